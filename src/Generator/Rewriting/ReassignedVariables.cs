using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// The locals and parameters the method's body (its lambdas and local functions included) writes after their
/// declaration: assigned (alone or in a deconstruction), incremented, passed by <c>ref</c>/<c>out</c>, aliased by
/// <c>ref</c> or <c>&amp;</c>. A local's own initializer is no write. A receiver held in a variable nobody writes
/// is the same object after an await, so it need not be stored before one (<see cref="BodyBuilder"/>'s spilling).
/// </summary>
internal sealed class ReassignedVariables
{
    private readonly HashSet<ISymbol> _written = new(SymbolEqualityComparer.Default);

    public ReassignedVariables(SemanticModel model, SyntaxNode body)
    {
        foreach (var node in body.DescendantNodes())
            if (node is IdentifierNameSyntax name && IsWrite(name) && model.GetSymbolInfo(name).Symbol is (ILocalSymbol or IParameterSymbol) and var variable)
                _written.Add(variable);
    }

    /// <summary>Whether <paramref name="variable"/> (a local or parameter) may hold another value after its declaration.</summary>
    public bool IsReassigned(ISymbol variable) =>
        _written.Contains(variable) || variable is ILocalSymbol { RefKind: not RefKind.None } or IParameterSymbol { RefKind: not RefKind.None };

    private static bool IsWrite(IdentifierNameSyntax name)
    {
        SyntaxNode node = name;
        // `(a, b) = ...`, `(x) = ...`: the variable is an element of the assigned tuple.
        while (node.Parent is ParenthesizedExpressionSyntax or ArgumentSyntax { Parent: TupleExpressionSyntax })
            node = node.Parent is ArgumentSyntax argument ? argument.Parent! : node.Parent;
        return node.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == node,
            PrefixUnaryExpressionSyntax unary => unary.Kind() is SyntaxKind.PreIncrementExpression or SyntaxKind.PreDecrementExpression or SyntaxKind.AddressOfExpression,
            PostfixUnaryExpressionSyntax unary => unary.Kind() is SyntaxKind.PostIncrementExpression or SyntaxKind.PostDecrementExpression,
            ArgumentSyntax argument => argument.RefKindKeyword.Kind() is SyntaxKind.RefKeyword or SyntaxKind.OutKeyword,
            RefExpressionSyntax => true,
            _ => false,
        };
    }
}
