using System.Collections.Immutable;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGen.Analyzers.Rules;

/// <summary>AG0100: a blocking call inside a <c>[PollAsync]</c> (or any <c>async Future</c>) method.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallInFutureBodyAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BlockingCallInFutureBody);

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
