using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Parsing;

/// <summary>Syntax questions the parser asks about a method body.</summary>
internal static class BodySyntax
{
    /// <summary>
    /// Lambdas, anonymous methods and local functions: their awaits and returns are their own. So is the body of a
    /// query expression (everything after its first <c>from</c>): its clauses are lambdas, which capture the variables
    /// they read (a struct's fields cannot be captured).
    /// </summary>
    public static bool IsNestedFunction(SyntaxNode node) =>
        node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryBodySyntax;

    /// <summary>
    /// Every await of the method itself (not of nested functions), including <c>await foreach/using</c>. The body of a
    /// query is searched too: the collection of a <c>join</c> clause is no lambda (C# accepts an await there and
    /// nowhere else in the body).
    /// </summary>
    public static IEnumerable<SyntaxNode> OwnAwaits(SyntaxNode body) =>
        body.DescendantNodes(n => n == body || !IsNestedFunction(n) || n is QueryBodySyntax).Where(n => n switch
        {
            AwaitExpressionSyntax => true,
            ForEachStatementSyntax f => f.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword),
            ForEachVariableStatementSyntax f => f.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword),
            UsingStatementSyntax u => u.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword),
            LocalDeclarationStatementSyntax d => d.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword),
            _ => false,
        });

    /// <summary>Every node that contains (or is) an await of the method.</summary>
    public static HashSet<SyntaxNode> AwaitContainers(SyntaxNode body)
    {
        var set = new HashSet<SyntaxNode>();
        foreach (var await in OwnAwaits(body))
            for (SyntaxNode? node = await; node is not null && set.Add(node) && node != body; node = node.Parent) { }
        return set;
    }

    /// <summary>True when <paramref name="node"/> sits inside a nested function of the body.</summary>
    public static bool IsInsideNestedFunction(SyntaxNode node, SyntaxNode body)
    {
        for (var current = node.Parent; current is not null && current != body; current = current.Parent)
            if (IsNestedFunction(current)) return true;
        return false;
    }

    /// <summary>1-based line of the node's first token.</summary>
    public static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The statement or clause whose extent is the scope of a variable declared at <paramref name="declaration"/>.</summary>
    public static SyntaxNode Scope(SyntaxNode declaration)
    {
        switch (declaration)
        {
            case ForEachStatementSyntax or CatchDeclarationSyntax:
                return declaration is CatchDeclarationSyntax ? declaration.Parent! : declaration;
            case VariableDeclaratorSyntax { Parent.Parent: ForStatementSyntax or UsingStatementSyntax or FixedStatementSyntax } v:
                return v.Parent!.Parent!;
        }
        for (var node = declaration.Parent; node is not null; node = node.Parent)
        {
            if (node is BlockSyntax or SwitchSectionSyntax or CatchClauseSyntax or ForStatementSyntax or
                CommonForEachStatementSyntax or WhileStatementSyntax or AnonymousFunctionExpressionSyntax or
                LocalFunctionStatementSyntax or ArrowExpressionClauseSyntax)
                return node;
        }
        return declaration.SyntaxTree.GetRoot();
    }
}
