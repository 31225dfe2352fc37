using System.Composition;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>AG0107: <c>Executor.BlockOn(future)</c> inside an async future body → <c>await future</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockOnCodeFixProvider)), Shared]
public sealed class BlockOnCodeFixProvider : AsyncGenCodeFixProvider
{
    private const string Title = "Await the future instead of blocking on it";

    /// <summary>Creates the fix.</summary>
    public BlockOnCodeFixProvider()
        : base(DiagnosticDescriptors.BlockOnInsideFuture)
    {
    }

    private protected override SyntaxFix? Fix(
        SyntaxNode root, SyntaxNode node, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        // A BlockOn with a time limit has no await of the same meaning: leave it to the author.
        if (node is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } blockOn || !AwaitRewriting.IsInAsyncFunction(blockOn))
        {
            return null;
        }
        var awaited = SyntaxFactory.AwaitExpression(blockOn.ArgumentList.Arguments[0].Expression.WithoutTrivia());
        return new SyntaxFix(Title, Title, () => AwaitRewriting.Replace(root, blockOn, awaited));
    }
}
