namespace AsyncGen.Generator.Model;

/// <summary>One line of generated method body; <c>SourceLine</c> maps it back to the user's file (0: generated).</summary>
internal sealed record LoweredLine(string Text, int Indent, int SourceLine);

/// <summary>The machine after lowering: flat method bodies ready to print.</summary>
internal sealed record LoweredMachine(
    MachineSpec Spec,
    EquatableArray<LoweredLine> Poll,
    EquatableArray<LoweredLine> Dispose,
    EquatableArray<LoweredFinally> Finallies);

/// <summary>A finally block without awaits, as a method called by the C# finally and by Dispose.</summary>
internal sealed record LoweredFinally(int Id, EquatableArray<LoweredLine> Body);
