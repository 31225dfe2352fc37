namespace AsyncGen.Generator.Model;

/// <summary>The machine after lowering: flat method bodies ready to print; <c>Failure</c> is the exception text when
/// lowering failed (the machine then wraps the fallback future and AG0007 is reported). <c>CancelInPlace</c> is empty
/// when the machine has no cleanup that can wait (no awaiting finally block Dispose enters, no child cancelled in
/// place): it then disposes and returns false.</summary>
internal sealed record LoweredMachine(
    MachineSpec Spec,
    EquatableArray<LoweredLine> Poll,
    EquatableArray<LoweredLine> Dispose,
    EquatableArray<LoweredLine> CancelInPlace,
    EquatableArray<LoweredFinally> Finallies,
    string? Failure = null);
