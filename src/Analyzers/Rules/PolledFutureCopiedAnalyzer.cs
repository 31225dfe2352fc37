using System.Collections.Generic;
using System.Collections.Immutable;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0105: a struct future (local or field) that was polled through <c>x.Poll(ref cx)</c> is then copied: assigned,
/// passed by value, returned or boxed. Judged in source order within one body. Class futures are references, so
/// copying them is harmless and never reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PolledFutureCopiedAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.PolledFutureCopied);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = new KnownTypes(start.Compilation);
            if (!types.HasRuntime) return;
            start.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.MethodBody);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var firstPollEnd = FirstPollOfEachStructFuture(context.Operation, types);
        if (firstPollEnd.Count == 0) return;
        foreach (var operation in context.Operation.Descendants())
        {
            if (StorageOf(operation) is not { } storage
                || !firstPollEnd.TryGetValue(storage, out var polledAt)
                || operation.Syntax.SpanStart <= polledAt
                || CopyKind(operation) is not { } copy)
            {
                continue;
            }
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.PolledFutureCopied, operation.Syntax.GetLocation(), storage.Name, copy));
        }
    }

    private static Dictionary<ISymbol, int> FirstPollOfEachStructFuture(IOperation body, KnownTypes types)
    {
        var polls = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
        foreach (var operation in body.Descendants())
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Poll", Instance: { } receiver } poll
                && receiver.Type is { IsValueType: true } type
                && types.IsFuture(type)
                && StorageOf(receiver) is { } storage
                && !polls.ContainsKey(storage))
            {
                polls.Add(storage, poll.Syntax.Span.End);
            }
        }
        return polls;
    }

    private static ISymbol? StorageOf(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IFieldReferenceOperation field => field.Field,
        _ => null,
    };

    /// <summary>How the read copies the future, or null when it uses it in place (a call, a ref, a write).</summary>
    private static string? CopyKind(IOperation read) => read.Parent switch
    {
        IConversionOperation { Type.IsReferenceType: true } => "boxing",
        IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.RefKind: RefKind.None } } => "assignment",
        ISimpleAssignmentOperation { IsRef: false } assignment when assignment.Value == read => "assignment",
        IArgumentOperation { Parameter.RefKind: RefKind.None } => "by-value argument",
        IReturnOperation => "returned by value",
        _ => null,
    };
}
