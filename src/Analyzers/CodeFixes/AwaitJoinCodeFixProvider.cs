using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>
/// AG0110: two futures in locals awaited one after the other are awaited together through <c>Future.Join</c>:
/// <list type="bullet">
/// <item><c>var x = await a; var y = await b;</c> (consecutive) → <c>var (x, y) = await Future.Join(a, b);</c></item>
/// <item><c>return await a + await b;</c> (one statement) → <c>var (aResult, bResult) = await Future.Join(a, b);</c>
/// before it, and the awaits replaced by the results.</item>
/// </list>
/// Other shapes (code between the awaits, an awaited expression that is not a local) are left to the author: running
/// the second future earlier would move it before that code.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitJoinCodeFixProvider)), Shared]
public sealed class AwaitJoinCodeFixProvider : AsyncGenCodeFixProvider
{
    private const string Title = "Await both futures with Future.Join";

    /// <summary>Creates the fix.</summary>
    public AwaitJoinCodeFixProvider()
        : base(DiagnosticDescriptors.FutureIdleDuringAwait)
    {
    }

    private protected override SyntaxFix? Fix(
        SyntaxNode root, SyntaxNode node, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node.FirstAncestorOrSelf<AwaitExpressionSyntax>() is not { Expression: IdentifierNameSyntax second } secondAwait) return null;
        if (diagnostic.AdditionalLocations.Count != 1) return null;
        var earlierNode = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true);
        if (earlierNode.FirstAncestorOrSelf<AwaitExpressionSyntax>() is not { Expression: IdentifierNameSyntax first } firstAwait) return null;
        if (firstAwait.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax block } firstStatement) return null;
        var secondStatement = secondAwait.FirstAncestorOrSelf<StatementSyntax>();

        var join = SyntaxFactory.AwaitExpression(SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                SyntaxFactory.IdentifierName("Future"), SyntaxFactory.IdentifierName("Join")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Argument(first.WithoutTrivia()), SyntaxFactory.Argument(second.WithoutTrivia()),
            }))));

        // var x = await a; var y = await b;
        if (secondStatement is not null && secondStatement != firstStatement
            && block.Statements.IndexOf(secondStatement) == block.Statements.IndexOf(firstStatement) + 1
            && SingleVarDeclaration(firstStatement, firstAwait) is { } x && SingleVarDeclaration(secondStatement, secondAwait) is { } y)
        {
            var combined = Deconstruction(x, y, join).WithTriviaFrom(firstStatement);
            return new SyntaxFix(Title, Title, () =>
            {
                var newBlock = block.RemoveNode(secondStatement, SyntaxRemoveOptions.KeepNoTrivia)!;
                newBlock = newBlock.ReplaceNode(newBlock.Statements[block.Statements.IndexOf(firstStatement)], combined);
                return root.ReplaceNode(block, newBlock);
            });
        }

        // return await a + await b;
        if (secondStatement == firstStatement)
        {
            var firstResult = first.Identifier.ValueText + "Result";
            var secondResult = second.Identifier.ValueText + "Result";
            if (model.LookupSymbols(firstStatement.SpanStart, name: firstResult).Any() || model.LookupSymbols(firstStatement.SpanStart, name: secondResult).Any())
            {
                return null;
            }
            return new SyntaxFix(Title, Title, () =>
            {
                var rewritten = firstStatement.ReplaceNodes(new ExpressionSyntax[] { firstAwait, secondAwait }, (original, _) =>
                    SyntaxFactory.IdentifierName(original == firstAwait ? firstResult : secondResult).WithTriviaFrom(original));
                var declaration = Deconstruction(firstResult, secondResult, join)
                    .WithLeadingTrivia(firstStatement.GetLeadingTrivia())
                    .WithTrailingTrivia(firstStatement.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)));
                var index = block.Statements.IndexOf(firstStatement);
                var statements = block.Statements.RemoveAt(index).InsertRange(index, new StatementSyntax[] { declaration, rewritten });
                return root.ReplaceNode(block, block.WithStatements(statements));
            });
        }
        return null;
    }

    /// <summary>The local's name when <paramref name="statement"/> is exactly <c>var name = &lt;await&gt;;</c>.</summary>
    private static string? SingleVarDeclaration(StatementSyntax statement, AwaitExpressionSyntax await) =>
        statement is LocalDeclarationStatementSyntax { Declaration: { Type.IsVar: true, Variables.Count: 1 } declaration, UsingKeyword.RawKind: 0 }
        && declaration.Variables[0].Initializer?.Value == await
            ? declaration.Variables[0].Identifier.ValueText
            : null;

    private static StatementSyntax Deconstruction(string first, string second, ExpressionSyntax value) =>
        SyntaxFactory.ParseStatement($"var ({first}, {second}) = {value.NormalizeWhitespace()};")
            .WithAdditionalAnnotations(Formatter.Annotation);
}
