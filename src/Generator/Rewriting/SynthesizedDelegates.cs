using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// Named stand-ins for the delegate types C# synthesizes as the natural type of a lambda with a <c>ref</c>, <c>out</c>,
/// <c>in</c> or <c>params</c> parameter (<c>var step = (ref int x) =&gt; x += item;</c>). A lambda that receives per-iteration
/// variables is created by a wrapper whose type names the delegate (<c>Func&lt;int, SynthesizedDelegate1&gt;</c>), and C#
/// gives no name to the synthesized one, so the machine declares a delegate with the same signature
/// (<c>private delegate int SynthesizedDelegate1(ref int arg1);</c>), one for each signature. Calls through it are the
/// same; only the delegate's runtime type differs from the compiler's.
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
