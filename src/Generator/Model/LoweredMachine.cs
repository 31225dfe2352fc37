namespace AsyncGen.Generator.Model;

/// <summary>The machine after lowering: flat method bodies ready to print.</summary>
internal sealed record LoweredMachine(
    MachineSpec Spec,
    EquatableArray<LoweredLine> Poll,
    EquatableArray<LoweredLine> Dispose,
    EquatableArray<LoweredFinally> Finallies);
