using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>
/// AG0106: in an async body, a dropped future is awaited: <c>Work();</c> and <c>_ = Work();</c> → <c>await Work();</c>.
/// In a synchronous method (a console <c>Main</c>) it is run to completion instead:
/// <c>Work();</c> → <c>Executor.BlockOn(Work());</c>, so that fix-all (<c>dotnet format analyzers</c>) has a fix for
/// every dropped future. Not in a hand-written <c>Poll</c>, where blocking is AG0107's mistake.
/// A future stored in an unread local is left alone: whether to await, spawn or delete it is the author's call.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitDroppedFutureCodeFixProvider)), Shared]
public sealed class AwaitDroppedFutureCodeFixProvider : AsyncGenCodeFixProvider
{
    private const string Title = "Await the future";
    private const string BlockOnTitle = "Run the future with Executor.BlockOn";

    /// <summary>Creates the fix.</summary>
    public AwaitDroppedFutureCodeFixProvider()
        : base(DiagnosticDescriptors.FutureNeverAwaited)
    {
    }

    private protected override SyntaxFix? Fix(
        SyntaxNode root, SyntaxNode node, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not ExpressionSyntax future || DroppedExpression(future) is not { } dropped) return null;
        if (AwaitRewriting.IsInAsyncFunction(dropped))
        {
            var awaited = SyntaxFactory.AwaitExpression(future.WithoutTrivia());
            return new SyntaxFix(Title, Title, () => AwaitRewriting.Replace(root, dropped, awaited));
        }
        if (InPollMethod(dropped, model, cancellationToken)) return null;
        var blockOn = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                SyntaxFactory.IdentifierName("Executor"), SyntaxFactory.IdentifierName("BlockOn")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(future.WithoutTrivia()))));
        return new SyntaxFix(BlockOnTitle, BlockOnTitle, () =>
            AwaitRewriting.WithAsyncGenUsingFor(root.ReplaceNode(dropped, blockOn.WithTriviaFrom(dropped)), model, dropped.SpanStart, "Executor"));
    }

    // A hand-written Poll(ref Context): the Context parameter's type is AsyncGen's.
    private static bool InPollMethod(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        var function = node.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
        return function is not null
            && model.GetDeclaredSymbol(function, cancellationToken) is IMethodSymbol { Parameters.Length: 1 } method
            && method.Parameters[0] is { RefKind: RefKind.Ref, Type: { Name: "Context", ContainingNamespace.Name: "AsyncGen" } };
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
