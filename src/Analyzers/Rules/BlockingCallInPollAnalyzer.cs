using System.Collections.Immutable;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGen.Analyzers.Rules;

/// <summary>AG0101: a blocking call inside a hand-written <c>IFuture&lt;T&gt;.Poll</c>.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallInPollAnalyzer : DiagnosticAnalyzer
{
    private const string Advice = "register the waker and return Pending instead";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BlockingCallInPoll);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = new KnownTypes(start.Compilation);
            if (!types.HasRuntime) return;
            start.RegisterOperationAction(
                operation => Analyze(operation, types),
                OperationKind.Invocation,
                OperationKind.PropertyReference);
        });
    }

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
