using System.Composition;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>
/// AG0106: in an async body, a dropped future is awaited: <c>Work();</c> and <c>_ = Work();</c> → <c>await Work();</c>.
/// A future stored in an unread local is left alone: whether to await, spawn or delete it is the author's call.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitDroppedFutureCodeFixProvider)), Shared]
public sealed class AwaitDroppedFutureCodeFixProvider : AsyncGenCodeFixProvider
{
    private const string Title = "Await the future";

    /// <summary>Creates the fix.</summary>
    public AwaitDroppedFutureCodeFixProvider()
        : base(DiagnosticDescriptors.FutureNeverAwaited)
    {
    }

    private protected override SyntaxFix? Fix(
        SyntaxNode root, SyntaxNode node, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not ExpressionSyntax future || DroppedExpression(future) is not { } dropped || !AwaitRewriting.IsInAsyncFunction(dropped))
        {
            return null;
        }
        var awaited = SyntaxFactory.AwaitExpression(future.WithoutTrivia());
        return new SyntaxFix(Title, Title, () => AwaitRewriting.Replace(root, dropped, awaited));
    }

    /// <summary>The statement's whole expression that drops <paramref name="future"/>: the call itself, or <c>_ = call</c>.</summary>
    private static ExpressionSyntax? DroppedExpression(ExpressionSyntax future) => future.Parent switch
    {
        ExpressionStatementSyntax => future,
        AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Parent: ExpressionStatementSyntax } discard
            when discard.Right == future => discard,
        _ => null,
    };
}
