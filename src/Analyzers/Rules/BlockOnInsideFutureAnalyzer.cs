using System;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0107: an AsyncGen <c>BlockOn</c> (on <c>Executor</c> or any executor type) called from a future body or a
/// hand-written <c>Poll</c>. Lambdas are exempt: they may be handed to another thread.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockOnInsideFutureAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public BlockOnInsideFutureAnalyzer()
        : base(DiagnosticDescriptors.BlockOnInsideFuture)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.Invocation);

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name != "BlockOn" || !IsAsyncGenType(invocation.TargetMethod.ContainingType)) return;
        if (!(types.IsFutureBody(context.ContainingSymbol) || types.IsPollMethod(context.ContainingSymbol))) return;
        if (!invocation.RunsInContainingMember()) return;
        var display = invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockOnInsideFuture, invocation.Syntax.GetLocation(), display));
    }

    private static bool IsAsyncGenType(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace.ToDisplayString();
        return ns == "AsyncGen" || ns.StartsWith("AsyncGen.", StringComparison.Ordinal);
    }
}
