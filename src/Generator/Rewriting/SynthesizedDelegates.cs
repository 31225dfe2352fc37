using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// Named stand-ins for the delegate types C# synthesizes as the natural type of a lambda with a <c>ref</c>, <c>out</c>,
/// <c>in</c> or <c>params</c> parameter (<c>var step = (ref int x) =&gt; x += item;</c>). A lambda that receives per-iteration
/// variables is created by a wrapper whose type names the delegate (<c>Func&lt;int, SynthesizedDelegate1&gt;</c>), and C#
/// gives no name to the synthesized one, so the machine declares a delegate with the same signature
/// (<c>private delegate int SynthesizedDelegate1(ref int arg1);</c>), one for each signature. Calls through it are the
/// same; only the delegate's runtime type differs from the compiler's. A <c>var</c> local of such a type kept across an
/// await is a field of the stand-in's type, which the lambdas stored in it convert to (<see cref="FieldTypeOf"/>).
/// </summary>
internal sealed class SynthesizedDelegates
{
    private readonly Dictionary<string, string> _names = new();

    /// <summary>The declarations, in order of first use.</summary>
    public List<string> Declarations { get; } = new();

    /// <summary>
    /// The name of the machine's delegate with the signature of <paramref name="synthesized"/> (default parameter values,
    /// by-ref returns and <c>scoped</c> parameters included), or null when the signature cannot be written: a type built
    /// from an anonymous type, which no declaration can name, or a default value of no constant C# can write.
    /// </summary>
    public string? NameOf(INamedTypeSymbol synthesized)
    {
        if (synthesized.DelegateInvokeMethod is not { } invoke || AnonymousShapes.Mentions(invoke.ReturnType) ||
            invoke.Parameters.Any(p => AnonymousShapes.Mentions(p.Type) || p.HasExplicitDefaultValue && DefaultValue(p) is null))
            return null;
        var parameters = invoke.Parameters.Select((p, i) =>
            (p.IsParams ? "params " : "") + Scoped(p) + RefKindPrefix(p.RefKind) + p.Type.ToDisplayString(PollAsyncShape.TypeFormat) + " " +
            (p.Name.Length > 0 ? "@" + p.Name : "arg" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)) +
            (p.HasExplicitDefaultValue ? " = " + DefaultValue(p) : ""));
        var returns = invoke.ReturnsVoid ? "void" : invoke.ReturnType.ToDisplayString(PollAsyncShape.TypeFormat);
        if (invoke.ReturnsByRefReadonly) returns = "ref readonly " + returns;
        else if (invoke.ReturnsByRef) returns = "ref " + returns;
        var signature = returns + "|" + string.Join(", ", parameters);
        if (_names.TryGetValue(signature, out var name)) return name;
        name = GeneratedNames.SynthesizedDelegateType(_names.Count + 1);
        _names[signature] = name;
        var separator = signature.IndexOf('|');
        Declarations.Add($"private delegate {signature.Substring(0, separator)} {name}({signature.Substring(separator + 1)});");
        return name;
    }

    /// <summary>
    /// The type of the field of a <c>var</c> local of a synthesized delegate type kept across an await (<c>var add =
    /// (int x, ref int total) =&gt; total += x;</c>): the machine's stand-in, which the lambda stored in it converts to.
    /// Throws AG0005 when the signature cannot be written.
    /// </summary>
    public string FieldTypeOf(INamedTypeSymbol synthesized, SyntaxNode declaration) =>
        NameOf(synthesized) ?? throw new UnsupportedConstructException(declaration, $"a lambda whose delegate type C# synthesizes, kept across an await in a 'var' local, whose signature mentions an anonymous type or has a default value C# cannot write as a constant (such as NaN): the machine cannot declare a delegate type with it (declare a named delegate type and declare the local with it instead of 'var')");

    /// <summary>
    /// Once the <c>var</c> locals of <paramref name="synthesized"/> kept in fields have the stand-in's type, every
    /// lambda or method group of the body converted to it must become the stand-in too, or the two types would differ
    /// where C# has one (<c>add = other</c>, <c>add + other</c> would not compile): it must initialize such a local, be
    /// assigned to a local (of the stand-in's type, since locals of the type are declared from such values), or be a
    /// lambda the machine wraps (<paramref name="isWrapped"/>). Anything else is AG0005 (a generic method inferring
    /// the type from the lambda, a local initialized with a lambda and not kept in a field).
    /// </summary>
    public static void RequireOneType(SemanticModel model, SyntaxNode body, INamedTypeSymbol synthesized, System.Func<ISymbol, bool> isHoisted,
        System.Func<SyntaxNode, bool> isWrapped)
    {
        foreach (var node in body.DescendantNodes().OfType<ExpressionSyntax>())
        {
            var operation = model.GetOperation(node);
            if (operation is not (Microsoft.CodeAnalysis.Operations.IAnonymousFunctionOperation or Microsoft.CodeAnalysis.Operations.IMethodReferenceOperation) ||
                operation.Parent is not Microsoft.CodeAnalysis.Operations.IDelegateCreationOperation { Type: { } type } ||
                !SymbolEqualityComparer.Default.Equals(type, synthesized))
                continue;
            var outer = node;
            while (outer.Parent is ParenthesizedExpressionSyntax parenthesized) outer = parenthesized;
            var stored = outer.Parent switch
            {
                EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } => model.GetDeclaredSymbol(declarator) is { } local && isHoisted(local),
                AssignmentExpressionSyntax assignment when assignment.Right == outer => model.GetSymbolInfo(assignment.Left).Symbol is ILocalSymbol,
                _ => false,
            };
            if (!stored && !isWrapped(node))
                throw new UnsupportedConstructException(node, $"a lambda or method group of the delegate type C# synthesizes for '{Describe(synthesized)}' that is not stored in a 'var' local kept across an await, while such a local has that type: the machine gives the local a delegate type of its own, and this one would keep the compiler's (declare a named delegate type, such as 'delegate int Step(ref int x);', and use it for both)");
        }
    }

    /// <summary>The signature of a synthesized delegate type as a message shows it: <c>int (ref int)</c>.</summary>
    private static string Describe(INamedTypeSymbol synthesized) =>
        synthesized.DelegateInvokeMethod is { } invoke
            ? invoke.ReturnType.ToDisplayString() + " (" + string.Join(", ", invoke.Parameters.Select(p => RefKindPrefix(p.RefKind) + p.Type.ToDisplayString())) + ")"
            : synthesized.ToDisplayString();

    /// <summary><c>scoped</c> as the lambda wrote it; an <c>out</c> parameter is scoped without saying so.</summary>
    private static string Scoped(IParameterSymbol parameter) =>
        parameter.ScopedKind != ScopedKind.None && parameter.RefKind != RefKind.Out ? "scoped " : "";

    /// <summary>
    /// The default value of <paramref name="parameter"/> as a C# constant of its type (the compiler keeps only the
    /// value), or null when it has none that can be written.
    /// </summary>
    private static string? DefaultValue(IParameterSymbol parameter)
    {
        var type = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : parameter.Type;
        var value = parameter.ExplicitDefaultValue;
        // `null` converts to no unconstrained type parameter (`T? x = default`: CS1750); `default` does.
        if (value is null)
            return parameter.Type is ITypeParameterSymbol { IsReferenceType: false } ||
                   parameter.Type.IsValueType && SymbolEqualityComparer.Default.Equals(type, parameter.Type) ? "default" : "null";
        var literal = value switch
        {
            double d when double.IsNaN(d) || double.IsInfinity(d) => null,
            float f when float.IsNaN(f) || float.IsInfinity(f) => null,
            float => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false) + "F",
            double => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false) + "D",
            decimal => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false) + "M",
            _ => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false),
        };
        // Integers of every width, enums and char: the literal converted to the parameter's type, as a constant.
        return literal is null ? null : value is string or bool ? literal : $"({type.ToDisplayString(PollAsyncShape.TypeFormat)})({literal})";
    }

    private static string RefKindPrefix(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref ",
        RefKind.Out => "out ",
        RefKind.In => "in ",
        RefKind.RefReadOnlyParameter => "ref readonly ",
        _ => "",
    };
}
