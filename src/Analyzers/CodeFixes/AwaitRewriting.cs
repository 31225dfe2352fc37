using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>What the fixes that turn a blocking expression into an <c>await</c> share.</summary>
internal static class AwaitRewriting
{
    /// <summary>An await is only legal in an async method, local function or lambda.</summary>
    public static bool IsInAsyncFunction(SyntaxNode node)
    {
        var function = node.Ancestors().FirstOrDefault(
            ancestor => ancestor is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
        return function switch
        {
            BaseMethodDeclarationSyntax method => method.Modifiers.Any(SyntaxKind.AsyncKeyword),
            LocalFunctionStatementSyntax local => local.Modifiers.Any(SyntaxKind.AsyncKeyword),
            AnonymousFunctionExpressionSyntax lambda => lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword),
            _ => false,
        };
    }

    /// <summary>
    /// Adds <c>using AsyncGen;</c> to a file whose code at <paramref name="position"/> cannot see
    /// <paramref name="typeName"/>, in the file's own line ending.
    /// </summary>
    public static SyntaxNode WithAsyncGenUsingFor(SyntaxNode root, SemanticModel model, int position, string typeName)
    {
        bool visible = model.LookupNamespacesAndTypes(position, name: typeName)
            .Any(symbol => symbol.ContainingNamespace?.ToDisplayString() == "AsyncGen");
        if (visible || root is not CompilationUnitSyntax unit) return root;
        var ending = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } found
            ? found
            : SyntaxFactory.ElasticCarriageReturnLineFeed;
        return unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.IdentifierName("AsyncGen")).NormalizeWhitespace().WithTrailingTrivia(ending));
    }

    /// <summary>Replaces <paramref name="call"/> with <paramref name="awaited"/>, parenthesized where the await is a receiver.</summary>
    public static SyntaxNode Replace(SyntaxNode root, ExpressionSyntax call, AwaitExpressionSyntax awaited)
    {
        var replacement = NeedsParentheses(call) ? SyntaxFactory.ParenthesizedExpression(awaited) : (ExpressionSyntax)awaited;
        return root.ReplaceNode(call, replacement.WithTriviaFrom(call).WithAdditionalAnnotations(Simplifier.Annotation));
    }

    /// <summary>An await used as the receiver of a member access or call must be parenthesized: <c>(await t).ToString()</c>.</summary>
    private static bool NeedsParentheses(ExpressionSyntax call) => call.Parent switch
    {
        MemberAccessExpressionSyntax access => access.Expression == call,
        ConditionalAccessExpressionSyntax access => access.Expression == call,
        ElementAccessExpressionSyntax access => access.Expression == call,
        InvocationExpressionSyntax invocation => invocation.Expression == call,
        PostfixUnaryExpressionSyntax => true,
        _ => false,
    };
}
