using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0102: a path through a hand-written <c>Poll</c> reaches <c>Pending</c> without registering or waking the waker
/// (the lost wake-up). Path-sensitive: a registration in one branch does not cover a Pending in the other; see
/// <see cref="UnwokenPendingSearch"/> for the guards against impossible paths.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PendingWithoutWakerAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public PendingWithoutWakerAnalyzer()
        : base(DiagnosticDescriptors.PendingWithoutWaker)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.MethodBody);

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        if (!types.IsPollMethod(context.ContainingSymbol)) return;
        var contextName = ((IMethodSymbol)context.ContainingSymbol).Parameters[0].Name;
        var search = new UnwokenPendingSearch(context.Operation, context.GetControlFlowGraph(), types);
        foreach (var pending in search.Run())
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.PendingWithoutWaker, pending.Syntax.GetLocation(), contextName));
        }
    }
}
