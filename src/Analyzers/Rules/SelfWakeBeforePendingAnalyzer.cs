using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0103: <c>cx.Waker.Wake()</c> followed, with no condition in between, by <c>return Pending</c> in a <c>Poll</c> that
/// registers the waker nowhere else: the future waits for nothing and the executor polls it in a loop (the seed's
/// <c>wake_by_ref</c> remark). A wake under a condition (a readiness re-check, a budget) is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SelfWakeBeforePendingAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public SelfWakeBeforePendingAnalyzer()
        : base(DiagnosticDescriptors.SelfWakeBeforePending)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.MethodBody);

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        if (!types.IsPollMethod(context.ContainingSymbol)) return;
        var body = context.Operation;
        foreach (var operation in body.Descendants())
        {
            // Anything waited on besides the task itself means the self-wake is a deliberate re-check, not a loop.
            if (WakerUses.Classify(operation, types) == WakerUse.Registers) return;
        }
        foreach (var operation in body.Descendants())
        {
            if (WakerUses.Classify(operation, types) != WakerUse.SelfWake) continue;
            var wake = operation.Parent!;
            if (IsFollowedUnconditionallyByPending(wake, types))
            {
                var contextName = ((IMethodSymbol)context.ContainingSymbol).Parameters[0].Name;
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.SelfWakeBeforePending, wake.Syntax.GetLocation(), contextName));
            }
        }
    }

    /// <summary>The wake is a statement, and the statements after it in its block run straight into <c>return Pending</c>.</summary>
    private static bool IsFollowedUnconditionallyByPending(IOperation wake, KnownTypes types)
    {
        if (wake.Syntax.Parent is not ExpressionStatementSyntax statement) return false;
        var siblings = statement.Parent switch
        {
            BlockSyntax block => block.Statements,
            SwitchSectionSyntax section => section.Statements,
            _ => default,
        };
        for (var i = siblings.IndexOf(statement) + 1; i >= 1 && i < siblings.Count; i++)
        {
            switch (siblings[i])
            {
                case ReturnStatementSyntax { Expression: { } returned }:
                    return WakerUses.IsPending(wake.SemanticModel?.GetOperation(returned), types);
                case ExpressionStatementSyntax or LocalDeclarationStatementSyntax or EmptyStatementSyntax:
                    continue;
                default:
                    return false;
            }
        }
        return false;
    }
}
