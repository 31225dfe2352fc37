using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGen.Analyzers.Rules;

/// <summary>AG0101: a blocking call inside a hand-written <c>IFuture&lt;T&gt;.Poll</c>.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallInPollAnalyzer : AsyncGenAnalyzer
{
    private const string Advice = "register the waker and return Pending instead";

    /// <summary>Creates the rule.</summary>
    public BlockingCallInPollAnalyzer()
        : base(DiagnosticDescriptors.BlockingCallInPoll)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.Invocation, OperationKind.PropertyReference);

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        if (!types.IsPollMethod(context.ContainingSymbol) || !context.Operation.RunsInContainingMember()) return;
        if (BlockingCallClassifier.Classify(context.Operation, types) is not { } call) return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.BlockingCallInPoll,
            context.Operation.Syntax.GetLocation(),
            call.Display,
            Advice));
    }
}
