using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGen.Analyzers.Rules;

/// <summary>AG0100: a blocking call inside a <c>[PollAsync]</c> (or any <c>async Future</c>) method.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallInFutureBodyAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public BlockingCallInFutureBodyAnalyzer()
        : base(DiagnosticDescriptors.BlockingCallInFutureBody)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.Invocation, OperationKind.PropertyReference);

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        if (!types.IsFutureBody(context.ContainingSymbol) || !context.Operation.RunsInContainingMember()) return;
        if (BlockingCallClassifier.Classify(context.Operation, types) is not { } call) return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.BlockingCallInFutureBody,
            context.Operation.Syntax.GetLocation(),
            call.ToProperties(),
            call.Display,
            call.Advice));
    }
}
