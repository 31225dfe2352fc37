using System.Composition;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>
/// AG0108: stores the waker on every poll: <c>_waker ??= cx.Waker</c> → <c>_waker = cx.Waker</c>, and
/// <c>if (_waker is null) _waker = cx.Waker;</c> → <c>_waker = cx.Waker;</c> when the <c>if</c> guards nothing else.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StaleWakerCodeFixProvider)), Shared]
public sealed class StaleWakerCodeFixProvider : AsyncGenCodeFixProvider
{
    private const string Title = "Store the waker on every poll";

    /// <summary>Creates the fix.</summary>
    public StaleWakerCodeFixProvider()
        : base(DiagnosticDescriptors.StaleWaker)
    {
    }

    private protected override SyntaxFix? Fix(
        SyntaxNode root, SyntaxNode node, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken) =>
        node is AssignmentExpressionSyntax store && Rewrite(root, store) is { } fixedRoot
            ? new SyntaxFix(Title, Title, () => fixedRoot)
            : null;

    private static SyntaxNode? Rewrite(SyntaxNode root, AssignmentExpressionSyntax store)
    {
        var everyPoll = SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, store.Left, store.Right)
            .WithTriviaFrom(store);
        if (store.IsKind(SyntaxKind.CoalesceAssignmentExpression)) return root.ReplaceNode(store, everyPoll);

        // The guard can go only when it guards this store alone: 'if (...) store;' or 'if (...) { store; }', no else.
        if (store.Parent is not ExpressionStatementSyntax statement) return null;
        var guarded = statement.Parent is BlockSyntax { Statements.Count: 1 } block ? (StatementSyntax)block : statement;
        if (guarded.Parent is not IfStatementSyntax { Else: null } guard || guard.Statement != guarded) return null;
        var unguarded = statement.WithExpression(everyPoll).WithTriviaFrom(guard).WithAdditionalAnnotations(Formatter.Annotation);
        return root.ReplaceNode(guard, unguarded);
    }
}
