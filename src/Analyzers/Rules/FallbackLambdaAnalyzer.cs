using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0111: an <c>async</c> lambda, anonymous method or local function (without <c>[PollAsync]</c>) that returns
/// <c>Future</c>/<c>Future&lt;T&gt;</c>. The generator rewrites methods only, so such a body always runs on the
/// fallback builder (the C# compiler's state machine: a box and awaiters per call). Said here so the slower path is
/// never silent; a <c>[PollAsync]</c> local function is the generator's AG0008 instead.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FallbackLambdaAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Creates the rule.</summary>
    public FallbackLambdaAnalyzer()
        : base(DiagnosticDescriptors.FallbackLambda)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types)
    {
        context.RegisterOperationAction(operation => AnalyzeLambda(operation, types), OperationKind.AnonymousFunction);
        context.RegisterOperationAction(operation => AnalyzeLocalFunction(operation, types), OperationKind.LocalFunction);
    }

    private static void AnalyzeLambda(OperationAnalysisContext context, KnownTypes types)
    {
        var lambda = (IAnonymousFunctionOperation)context.Operation;
        if (!lambda.Symbol.IsAsync || !types.IsFutureClass(lambda.Symbol.ReturnType)) return;
        if (lambda.Syntax is not AnonymousFunctionExpressionSyntax syntax) return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.FallbackLambda, syntax.AsyncKeyword.GetLocation(), "This async lambda"));
    }

    private static void AnalyzeLocalFunction(OperationAnalysisContext context, KnownTypes types)
    {
        var function = ((ILocalFunctionOperation)context.Operation).Symbol;
        if (!function.IsAsync || !types.IsFutureClass(function.ReturnType)) return;
        foreach (var attribute in function.GetAttributes())
        {
            if (KnownTypes.Is(attribute.AttributeClass, types.PollAsyncAttribute)) return; // AG0008's case
        }
        if (context.Operation.Syntax is not LocalFunctionStatementSyntax syntax) return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.FallbackLambda, syntax.Identifier.GetLocation(), $"The async local function '{function.Name}'"));
    }
}
