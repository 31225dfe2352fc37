using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// The overflow-checking context of code inside a <c>checked { }</c> or <c>unchecked { }</c> block that awaits.
/// Such a block is flattened like any block (its statements become the machine's lines, some of them after a resume
/// label), so its keyword is gone from the output; every operation the context changes is written inside a
/// <c>checked(...)</c>/<c>unchecked(...)</c> expression of its own instead (or, where C# wants a statement, a
/// <c>checked { }</c> block around that one statement). The context is lexical in C#, lambdas included, so the
/// nearest enclosing block or expression decides, as it does for the compiler.
/// </summary>
internal static class OverflowContext
{
    /// <summary>
    /// <c>"checked"</c> or <c>"unchecked"</c> when the nearest context around <paramref name="node"/> is a block that
    /// awaits (and is therefore flattened); null when it is a <c>checked(...)</c> expression or a block without an
    /// await (both stay in the text) or there is none.
    /// </summary>
    public static string? FlattenedKeyword(SyntaxNode node, HashSet<SyntaxNode> awaitContainers)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case CheckedExpressionSyntax:
                    return null;
                case CheckedStatementSyntax block:
                    return awaitContainers.Contains(block) ? block.Keyword.ValueText : null;
                case MemberDeclarationSyntax:
                    return null;
            }
        }
        return null;
    }

    /// <summary>
    /// Operations whose result the context changes: <c>+ - * /</c> (not string concatenation), unary minus,
    /// increments and decrements, casts and compound assignments with those operators, and shift compound assignments
    /// of a target narrower than <c>int</c>: <c>b &lt;&lt;= 1</c> is <c>b = (byte)(b &lt;&lt; 1)</c>, whose conversion back
    /// to the target the context checks (C# spec, compound assignment). The other compound assignments that convert
    /// back (<c>%= &amp;= |= ^=</c>) take a right operand that converts implicitly to the target, so their result
    /// always fits.
    /// </summary>
    public static bool IsContextDependent(SemanticModel model, ExpressionSyntax expression) => expression.Kind() switch
    {
        SyntaxKind.LeftShiftAssignmentExpression or SyntaxKind.RightShiftAssignmentExpression or SyntaxKind.UnsignedRightShiftAssignmentExpression =>
            expression is AssignmentExpressionSyntax shift && IsNarrowerThanInt(model.GetTypeInfo(shift.Left).Type),
        SyntaxKind.AddExpression or SyntaxKind.AddAssignmentExpression =>
            model.GetTypeInfo(expression).Type?.SpecialType != SpecialType.System_String,
        SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression or
            SyntaxKind.SubtractAssignmentExpression or SyntaxKind.MultiplyAssignmentExpression or SyntaxKind.DivideAssignmentExpression or
            SyntaxKind.UnaryMinusExpression or SyntaxKind.PreIncrementExpression or SyntaxKind.PreDecrementExpression or
            SyntaxKind.PostIncrementExpression or SyntaxKind.PostDecrementExpression or SyntaxKind.CastExpression => true,
        _ => false,
    };

    /// <summary>The integral types that the shift operators promote to <c>int</c> (C# spec, numeric promotions).</summary>
    private static bool IsNarrowerThanInt(ITypeSymbol? type) => type?.SpecialType is
        SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Char;

    /// <summary>
    /// True when <paramref name="expression"/> stands where C# requires a statement expression: an expression
    /// statement, a <c>for</c> initializer or incrementor, or the expression body of a lambda or local function that
    /// returns nothing (void, or async without a result).
    /// </summary>
    public static bool IsInStatementPosition(SemanticModel model, ExpressionSyntax expression) => expression.Parent switch
    {
        ExpressionStatementSyntax => true,
        ForStatementSyntax @for => @for.Incrementors.Contains(expression) || @for.Initializers.Contains(expression),
        AnonymousFunctionExpressionSyntax function when function.ExpressionBody == expression =>
            ReturnsNothing(model.GetSymbolInfo(function).Symbol as IMethodSymbol),
        ArrowExpressionClauseSyntax { Parent: LocalFunctionStatementSyntax function } =>
            ReturnsNothing(model.GetDeclaredSymbol(function) as IMethodSymbol),
        _ => false,
    };

    private static bool ReturnsNothing(IMethodSymbol? function) =>
        function is null || function.ReturnsVoid || function.IsAsync && function.ReturnType is INamedTypeSymbol { IsGenericType: false };

    /// <summary>"a checked block", "an unchecked block": for diagnostics.</summary>
    public static string Describe(string keyword) => (keyword == "checked" ? "a " : "an ") + keyword + " block";

    /// <summary>
    /// Wraps <paramref name="text"/>, the code of <paramref name="original"/> written by parts, in the context's
    /// keyword when the operation depends on it and its block was flattened.
    /// </summary>
    public static string Apply(SemanticModel model, ExpressionSyntax original, HashSet<SyntaxNode> awaitContainers, string text) =>
        IsContextDependent(model, original) && FlattenedKeyword(original, awaitContainers) is { } keyword ? keyword + "(" + text + ")" : text;
}
