using System;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// String literals written on one line, with the value C# gives the user's literal.
/// </summary>
/// <remarks>
/// The machine's code is re-indented (a statement's lines lose the column it started at, then get the machine's
/// indentation), which would change the text of a verbatim or raw string spanning lines (<c>@"first
///   second"</c>, an SQL query in <c>"""</c>): such literals are written as regular literals with escapes instead.
/// The holes of an interpolated string written again (spilled, or rewritten) always open with one brace, so a raw
/// string's <c>$$"""{ "a": {{x}} }"""</c> becomes <c>$"{{ \"a\": {x} }}"</c>.
/// </remarks>
internal static class StringLiterals
{
    /// <summary>Whether <paramref name="node"/> is a verbatim or raw string literal whose text spans lines.</summary>
    public static bool SpansLines(SyntaxNode node) => node.ToString().IndexOf('\n') >= 0;

    /// <summary>A verbatim or raw string literal (<c>u8</c> too) as a regular one with the same value.</summary>
    public static LiteralExpressionSyntax OnOneLine(LiteralExpressionSyntax literal)
    {
        var value = literal.Token.ValueText;
        var token = literal.IsKind(SyntaxKind.Utf8StringLiteralExpression)
            ? Token(default, SyntaxKind.Utf8StringLiteralToken, Literal(value).Text + "u8", value, default)
            : Literal(value);
        return literal.WithToken(token.WithTriviaFrom(literal.Token));
    }

    /// <summary>
    /// <paramref name="interpolated"/> as a regular interpolated string (<c>$"..."</c>) on one line, each hole's
    /// expression and alignment written by <paramref name="hole"/> (called in order).
    /// </summary>
    public static string Interpolated(InterpolatedStringExpressionSyntax interpolated, Func<InterpolationSyntax, string> hole)
    {
        var start = interpolated.StringStartToken;
        var kind = start.IsKind(SyntaxKind.InterpolatedStringStartToken) ? Kind.Regular
            : start.IsKind(SyntaxKind.InterpolatedVerbatimStringStartToken) ? Kind.Verbatim
            : Kind.Raw;
        var text = new StringBuilder("$\"");
        foreach (var content in interpolated.Contents)
        {
            if (content is InterpolatedStringTextSyntax part)
            {
                text.Append(Text(part.TextToken, kind));
                continue;
            }
            var interpolation = (InterpolationSyntax)content;
            text.Append('{').Append(hole(interpolation));
            if (interpolation.FormatClause is { } format) text.Append(':').Append(Text(format.FormatStringToken, kind));
            text.Append('}');
        }
        return text.Append('"').ToString();
    }

    /// <summary>
    /// The expression of a hole as it can be written between its braces: a name the rewriter qualified
    /// (<c>global::App.Program._state</c>) is parenthesized, since a ':' at the top of a hole starts its format.
    /// </summary>
    public static string Hole(string expression) =>
        HasTopLevelColon(expression) ? "(" + expression + ")" : expression;

    /// <summary>A ':' outside parentheses, brackets, braces and string literals: where C# ends a hole's expression.</summary>
    private static bool HasTopLevelColon(string expression)
    {
        var depth = 0;
        var inString = false;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c)
            {
                case '"': inString = true; break;
                case '(' or '[' or '{': depth++; break;
                case ')' or ']' or '}': depth--; break;
                case ':' when depth == 0: return true;
            }
        }
        return false;
    }

    private enum Kind { Regular, Verbatim, Raw }

    /// <summary>
    /// Text of a regular interpolated string with the value of <paramref name="token"/>: a regular string's text as
    /// written; a verbatim string's value keeps its braces doubled (<c>{{</c>); a raw string's has single ones.
    /// </summary>
    private static string Text(SyntaxToken token, Kind kind)
    {
        if (kind == Kind.Regular) return token.Text;
        var escaped = Literal(token.ValueText).Text;
        escaped = escaped.Substring(1, escaped.Length - 2);
        return kind == Kind.Raw ? escaped.Replace("{", "{{").Replace("}", "}}") : escaped;
    }
}
