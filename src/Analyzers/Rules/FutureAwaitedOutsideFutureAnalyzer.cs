using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0109: an <c>await</c> whose awaiter is AsyncGen's <c>FutureAwaiter&lt;T&gt;</c> (a <c>Future</c>, a struct future,
/// any <c>IFuture&lt;T&gt;</c>) in a function that is not an <c>async Future</c> body: an <c>async Task</c> method,
/// top-level statements, a Task lambda. Only <c>Future</c>'s builder polls what it awaits; any other builder makes
/// the await throw at run time.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FutureAwaitedOutsideFutureAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public FutureAwaitedOutsideFutureAnalyzer()
        : base(DiagnosticDescriptors.FutureAwaitedOutsideFuture)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types) =>
        context.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.Await);

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var await = (IAwaitOperation)context.Operation;
        if (await.Syntax is not AwaitExpressionSyntax syntax || await.SemanticModel is null) return;
        // By the awaiter, not the operand's type: a type that is a future and also awaitable some other way is fine.
        var awaiter = await.SemanticModel.GetAwaitExpressionInfo(syntax).GetAwaiterMethod?.ReturnType;
        if (!types.IsFutureAwaiter(awaiter)) return;
        var function = EnclosingFunction(await, context.ContainingSymbol);
        if (function is null || types.IsFutureBody(function)) return;
        var awaited = syntax.Expression.ToString();
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.FutureAwaitedOutsideFuture, syntax.GetLocation(), awaited, FunctionName(function)));
    }

    /// <summary>The lambda or local function the await is in, else the containing member.</summary>
    private static IMethodSymbol? EnclosingFunction(IOperation operation, ISymbol containing)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation lambda) return lambda.Symbol;
            if (current is ILocalFunctionOperation local) return local.Symbol;
        }
        return containing as IMethodSymbol;
    }

    private static string FunctionName(IMethodSymbol function) => function switch
    {
        { MethodKind: MethodKind.AnonymousFunction } => "this lambda",
        { Name: "<Main>$" } => "the top-level statements",
        _ => function.Name,
    };
}
