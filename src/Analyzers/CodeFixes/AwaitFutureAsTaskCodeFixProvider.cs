using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>
/// AG0109: <c>await future</c> outside an async future body → <c>await future.AsTask()</c>, which spawns the future on
/// the current executor, or runs it on a thread of its own outside one (<c>TaskInterop.AsTask</c>). Adds
/// <c>using AsyncGen;</c> when the extension is not in scope.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitFutureAsTaskCodeFixProvider)), Shared]
public sealed class AwaitFutureAsTaskCodeFixProvider : AsyncGenCodeFixProvider
{
    private const string Title = "Await future.AsTask()";

    /// <summary>Creates the fix.</summary>
    public AwaitFutureAsTaskCodeFixProvider()
        : base(DiagnosticDescriptors.FutureAwaitedOutsideFuture)
    {
    }

    private protected override SyntaxFix? Fix(
        SyntaxNode root, SyntaxNode node, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node.FirstAncestorOrSelf<AwaitExpressionSyntax>() is not { } await) return null;
        var future = await.Expression;
        var receiver = IsPrimary(future) ? future.WithoutTrivia() : SyntaxFactory.ParenthesizedExpression(future.WithoutTrivia());
        var asTask = SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(
            SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("AsTask")));
        var needsUsing = !AsTaskInScope(model, future, cancellationToken);
        return new SyntaxFix(Title, Title, () =>
        {
            var fixedRoot = root.ReplaceNode(future, asTask.WithTriviaFrom(future));
            // TaskInterop holds AsTask: where it is visible, so is the extension.
            return needsUsing ? AwaitRewriting.WithAsyncGenUsingFor(fixedRoot, model, future.SpanStart, "TaskInterop") : fixedRoot;
        });
    }

    private static bool AsTaskInScope(SemanticModel model, ExpressionSyntax future, CancellationToken cancellationToken)
    {
        var type = model.GetTypeInfo(future, cancellationToken).Type;
        return type is not null && model.LookupSymbols(future.SpanStart, type, "AsTask", includeReducedExtensionMethods: true).Any();
    }

    // Expressions that can be the receiver of '.AsTask()' as they are; anything else (a cast, a conditional, an
    // operator) is parenthesized.
    private static bool IsPrimary(ExpressionSyntax expression) => expression is
        SimpleNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax
        or ParenthesizedExpressionSyntax or ObjectCreationExpressionSyntax or ThisExpressionSyntax or BaseExpressionSyntax;
}
