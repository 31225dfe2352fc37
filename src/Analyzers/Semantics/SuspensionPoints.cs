using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>The awaits of one member body, in source order, without those of nested lambdas and local functions.</summary>
internal static class SuspensionPoints
{
    public static IEnumerable<SyntaxNode> In(SyntaxNode body)
    {
        foreach (var node in body.DescendantNodes(node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is AwaitExpressionSyntax
                || node is CommonForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword }
                || node is UsingStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword }
                || node is LocalDeclarationStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword })
            {
                yield return node;
            }
        }
    }

    /// <summary>The body (block or expression) of the member that contains <paramref name="node"/>.</summary>
    public static SyntaxNode? BodyOf(SyntaxNode node)
    {
        var member = node.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>();
        return (SyntaxNode?)member?.Body ?? member?.ExpressionBody;
    }
}
