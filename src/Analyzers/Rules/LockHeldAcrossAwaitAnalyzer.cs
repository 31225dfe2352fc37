using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0104: inside a future body, a thread lock (<c>Monitor</c>, <c>Lock.Enter</c>, <c>SemaphoreSlim.Wait</c>,
/// <c>ReaderWriterLockSlim</c>, <c>Mutex</c>, <c>SpinLock</c>) acquired before an await and released after it, or never
/// released in the body. Like clippy's <c>await_holding_lock</c>, judged in source order within one body.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockHeldAcrossAwaitAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public LockHeldAcrossAwaitAnalyzer()
        : base(DiagnosticDescriptors.LockHeldAcrossAwait)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.Invocation);

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!types.IsFutureBody(context.ContainingSymbol) || !invocation.RunsInContainingMember()) return;
        if (LockAcquisition.From(invocation) is not { } acquisition) return;
        if (SuspensionPoints.BodyOf(invocation.Syntax) is not { } body) return;

        var heldUntil = acquisition.ReleasePosition(body);
        foreach (var suspension in SuspensionPoints.In(body))
        {
            if (suspension.SpanStart <= invocation.Syntax.Span.End || suspension.SpanStart >= heldUntil) continue;
            var line = suspension.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.LockHeldAcrossAwait,
                invocation.Syntax.GetLocation(),
                acquisition.Display,
                line));
            return;
        }
    }
}
