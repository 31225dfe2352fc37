using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>
/// AG0106: in an async body, a dropped future is awaited: <c>Work();</c> and <c>_ = Work();</c> → <c>await Work();</c>.
/// A future stored in an unread local is left alone: whether to await, spawn or delete it is the author's call.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitDroppedFutureCodeFixProvider)), Shared]
public sealed class AwaitDroppedFutureCodeFixProvider : CodeFixProvider
{
    private const string Title = "Await the future";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.FutureNeverAwaited.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax future
                || DroppedExpression(future) is not { } dropped
                || !AwaitRewriting.IsInAsyncFunction(dropped))
            {
                continue;
            }
            var awaited = SyntaxFactory.AwaitExpression(future.WithoutTrivia());
            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(AwaitRewriting.Replace(root, dropped, awaited))),
                    equivalenceKey: Title),
                diagnostic);
        }
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
