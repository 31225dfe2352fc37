using System.Collections.Generic;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0105: a struct future (local or field) that was polled (<c>x.Poll(ref cx)</c>, or passed by <c>ref</c> with the
/// context to a polling helper) is then copied: assigned,
/// passed by value, returned or boxed. Judged in source order within one body. Class futures are references, so
/// copying them is harmless and never reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PolledFutureCopiedAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public PolledFutureCopiedAnalyzer()
        : base(DiagnosticDescriptors.PolledFutureCopied)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.MethodBody);

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
            if (operation is not IInvocationOperation call) continue;
            foreach (var polled in PolledStructFutures(call, types))
            {
                if (StorageOf(polled) is { } storage && !polls.ContainsKey(storage)) polls.Add(storage, call.Syntax.Span.End);
            }
        }
        return polls;
    }

    /// <summary>
    /// The struct futures <paramref name="call"/> polls: the receiver of <c>x.Poll(ref cx)</c>, and any future passed by
    /// <c>ref</c> to a helper that also receives the context (<c>Drive(ref x, ref cx)</c>).
    /// </summary>
    private static IEnumerable<IOperation> PolledStructFutures(IInvocationOperation call, KnownTypes types)
    {
        if (call.TargetMethod.Name == "Poll" && call.Instance is { Type.IsValueType: true } receiver && types.IsFuture(receiver.Type))
        {
            yield return receiver;
        }
        var passesContext = false;
        foreach (var argument in call.Arguments) passesContext |= types.IsContext(argument.Value.Type);
        if (!passesContext) yield break;
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter?.RefKind == RefKind.Ref && argument.Value.Type is { IsValueType: true } type && types.IsFuture(type))
            {
                yield return argument.Value;
            }
        }
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
