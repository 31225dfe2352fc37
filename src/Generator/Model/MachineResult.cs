namespace AsyncGen.Generator.Model;

/// <summary>The verdict on one <c>[PollAsync]</c> method: the machine to emit (if any) and the diagnostics to report.</summary>
internal sealed record MachineResult(MachineSpec? Machine, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public static MachineResult Nothing { get; } = new(null, EquatableArray<DiagnosticInfo>.Empty);

    public static MachineResult Fail(DiagnosticInfo diagnostic) => new(null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
}
