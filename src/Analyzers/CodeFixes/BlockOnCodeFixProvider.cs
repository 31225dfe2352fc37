using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>AG0107: <c>Executor.BlockOn(future)</c> inside an async future body → <c>await future</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockOnCodeFixProvider)), Shared]
public sealed class BlockOnCodeFixProvider : CodeFixProvider
{
    private const string Title = "Await the future instead of blocking on it";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BlockOnInsideFuture.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            // A BlockOn with a time limit has no await of the same meaning: leave it to the author.
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax
                {
                    ArgumentList.Arguments.Count: 1,
                } blockOn
                || !AwaitRewriting.IsInAsyncFunction(blockOn))
            {
                continue;
            }
            var awaited = SyntaxFactory.AwaitExpression(blockOn.ArgumentList.Arguments[0].Expression.WithoutTrivia());
            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(AwaitRewriting.Replace(root, blockOn, awaited))),
                    equivalenceKey: Title),
                diagnostic);
        }
    }
}
