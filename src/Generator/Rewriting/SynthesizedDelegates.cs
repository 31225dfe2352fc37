using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
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
    /// The name of the machine's delegate with the signature of <paramref name="synthesized"/>, or null when the
    /// signature cannot be written (anonymous types, default parameter values, by-ref returns, <c>scoped</c> parameters;
    /// an <c>out</c> parameter is scoped implicitly).
    /// </summary>
    public string? NameOf(INamedTypeSymbol synthesized)
    {
        if (synthesized.DelegateInvokeMethod is not { } invoke || invoke.ReturnsByRef || invoke.ReturnsByRefReadonly ||
            invoke.ReturnType.IsAnonymousType || invoke.Parameters.Any(p => p.Type.IsAnonymousType || p.HasExplicitDefaultValue || p.ScopedKind != ScopedKind.None && p.RefKind != RefKind.Out))
            return null;
        var parameters = invoke.Parameters.Select((p, i) =>
            (p.IsParams ? "params " : "") + RefKindPrefix(p.RefKind) + p.Type.ToDisplayString(PollAsyncShape.TypeFormat) + " " +
            (p.Name.Length > 0 ? "@" + p.Name : "arg" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var signature = (invoke.ReturnsVoid ? "void" : invoke.ReturnType.ToDisplayString(PollAsyncShape.TypeFormat)) + "|" + string.Join(", ", parameters);
        if (_names.TryGetValue(signature, out var name)) return name;
        name = GeneratedNames.SynthesizedDelegateType(_names.Count + 1);
        _names[signature] = name;
        var separator = signature.IndexOf('|');
        Declarations.Add($"private delegate {signature.Substring(0, separator)} {name}({signature.Substring(separator + 1)});");
        return name;
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
