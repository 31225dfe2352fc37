using System.Composition;
using System.Threading;
using AsyncGen.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Analyzers.CodeFixes;

/// <summary>
/// AG0112: <c>[PollAsync] public override async Future&lt;T&gt; M()</c> → <c>public sealed override …</c>, so that calls
/// on the declaring type (and its subclasses) are bound statically and get the machine.
/// </summary>
/// <remarks>Offered only for an override that is not sealed: a <c>virtual</c> method cannot be sealed, and making it
/// non-virtual would break the classes that override it.</remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SealOverrideCodeFixProvider)), Shared]
public sealed class SealOverrideCodeFixProvider : AsyncGenCodeFixProvider
{
    private const string Title = "Seal the override ('sealed override')";

    /// <summary>Creates the fix.</summary>
    public SealOverrideCodeFixProvider()
        : base(DiagnosticDescriptors.VirtualPollAsyncMethod)
    {
    }

    private protected override SyntaxFix? Fix(
        SyntaxNode root, SyntaxNode node, Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.ContainsKey(VirtualPollAsyncMethodAnalyzer.SealableProperty)) return null;
        if (node.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method) return null;
        int overrideIndex = method.Modifiers.IndexOf(SyntaxKind.OverrideKeyword);
        if (overrideIndex < 0 || method.Modifiers.Any(SyntaxKind.SealedKeyword)) return null;
        // 'sealed' goes right before 'override', taking over its leading trivia (the line's indentation when it is first).
        var overrideKeyword = method.Modifiers[overrideIndex];
        var modifiers = method.Modifiers
            .Replace(overrideKeyword, overrideKeyword.WithLeadingTrivia(SyntaxFactory.Space))
            .Insert(overrideIndex, SyntaxFactory.Token(SyntaxKind.SealedKeyword).WithLeadingTrivia(overrideKeyword.LeadingTrivia));
        return new SyntaxFix(Title, Title, () => root.ReplaceNode(method, method.WithModifiers(modifiers)));
    }
}
