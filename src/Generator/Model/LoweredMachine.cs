namespace AsyncGen.Generator.Model;

/// <summary>The machine after lowering: flat method bodies ready to print; <c>Failure</c> is the exception text when
/// lowering failed (the machine then wraps the fallback future and AG0007 is reported).</summary>
internal sealed record LoweredMachine(
    MachineSpec Spec,
    EquatableArray<LoweredLine> Poll,
    EquatableArray<LoweredLine> Dispose,
    EquatableArray<LoweredFinally> Finallies,
    string? Failure = null);
