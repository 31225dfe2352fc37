using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>One rewrite a fix offers: its title, its fix-all key, and the new root it produces when chosen.</summary>
internal readonly struct SyntaxFix(string title, string equivalenceKey, Func<SyntaxNode> apply)
{
    public string Title { get; } = title;
    public string EquivalenceKey { get; } = equivalenceKey;
    public Func<SyntaxNode> Apply { get; } = apply;
}

/// <summary>
/// What every AsyncGen code fix shares: one rule, batch fix-all, and a rewrite of the syntax node the diagnostic
/// marks, decided per diagnostic by <see cref="Fix"/>.
/// </summary>
public abstract class AsyncGenCodeFixProvider : CodeFixProvider
{
    private protected AsyncGenCodeFixProvider(DiagnosticDescriptor rule) =>
        FixableDiagnosticIds = ImmutableArray.Create(rule.Id);

    /// <inheritdoc/>
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (Fix(root, node, diagnostic, model, context.CancellationToken) is not { } fix) continue;
            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(fix.Title, _ => Task.FromResult(document.WithSyntaxRoot(fix.Apply())), fix.EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The rewrite for the node <paramref name="diagnostic"/> marks, or null when none is safe here.</summary>
    private protected abstract SyntaxFix? Fix(
        SyntaxNode root, SyntaxNode node, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken);
}
