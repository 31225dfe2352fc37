using System.Collections.Immutable;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// AG0112: a <c>[PollAsync]</c> method that C# can call virtually. The generator binds each call it replaces to one
/// declaration's machine, so it leaves every virtually dispatched call to C#, which runs the override on the fallback
/// builder. The generator's AG0009 says so at each such call of a <c>[PollAsync]</c> method; this rule says it once, at
/// the declaration, and also covers what no call site can show: a <c>[PollAsync]</c> override of a method that is not
/// <c>[PollAsync]</c> itself (an abstract base, <c>PollAsyncBackgroundService.ExecuteAsync</c>), whose calls through
/// the base go to this override's fallback without any diagnostic at the call.
/// </summary>
/// <remarks>
/// Two reports, one rule: a <c>virtual</c> method or an override that is not sealed (every call through its own type
/// is virtual; the fix seals the override), and a sealed override of a method without <c>[PollAsync]</c> (calls on
/// its own type get the machine, calls through the base do not). A sealed override of a <c>[PollAsync]</c> method is
/// not reported: the base's declaration and its calls already are.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VirtualPollAsyncMethodAnalyzer : AsyncGenAnalyzer
{
    /// <summary>Set on reports that sealing the override would settle (the code fix's cue).</summary>
    internal const string SealableProperty = "Sealable";

    private static readonly ImmutableDictionary<string, string?> s_sealable = ImmutableDictionary<string, string?>.Empty.Add(SealableProperty, "true");

    /// <summary>Creates the rule.</summary>
    public VirtualPollAsyncMethodAnalyzer()
        : base(DiagnosticDescriptors.VirtualPollAsyncMethod)
    {
    }

    private protected override void Register(CompilationStartAnalysisContext context, KnownTypes types)
    {
        if (types.PollAsyncAttribute is null) return;
        context.RegisterSymbolAction(symbol => Analyze(symbol, types), SymbolKind.Method);
    }

    private static void Analyze(SymbolAnalysisContext context, KnownTypes types)
    {
        var method = (IMethodSymbol)context.Symbol;
        // The generator's shape of a [PollAsync] method (an abstract one has no body and is the generator's AG0004).
        if (method.IsStatic || !method.IsAsync || method.MethodKind != MethodKind.Ordinary || !HasPollAsync(method, types)) return;
        if (method.ContainingType is not { TypeKind: TypeKind.Class } type) return;
        if (!method.IsVirtual && !method.IsOverride) return;
        if (method.DeclaringSyntaxReferences.Length == 0 ||
            method.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken) is not MethodDeclarationSyntax declaration) return;

        var location = declaration.Identifier.GetLocation();
        if (!method.IsSealed && !type.IsSealed)
        {
            bool isOverride = method.IsOverride;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.VirtualPollAsyncMethod,
                location,
                isOverride ? s_sealable : null,
                method.Name,
                isOverride ? "is an override that is not sealed" : "is virtual",
                $"calls through '{type.Name}'{(isOverride ? " or a base type" : "")} (except through 'base.' or on a sealed type)",
                isOverride
                    ? "declare it 'sealed override' (calls on its type then get the machine), or move the body into a non-virtual [PollAsync] method that the override returns"
                    : "make it non-virtual, or move the body into a non-virtual [PollAsync] method that it returns"));
            return;
        }
        // Sealed: calls on this type are bound statically. Through the base they are not, and when the base method has
        // no [PollAsync] of its own, nothing at those calls says so.
        var overridden = method.OverriddenMethod;
        if (overridden is null || HasPollAsync(overridden, types)) return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.VirtualPollAsyncMethod,
            location,
            method.Name,
            $"overrides '{overridden.ContainingType.Name}.{overridden.Name}', which has no [PollAsync] machine",
            $"calls through '{overridden.ContainingType.Name}'",
            "move the body into a non-virtual [PollAsync] method and return its future from the override (without [PollAsync])"));
    }

    private static bool HasPollAsync(IMethodSymbol method, KnownTypes types)
    {
        foreach (var attribute in method.OriginalDefinition.GetAttributes())
        {
            if (KnownTypes.Is(attribute.AttributeClass, types.PollAsyncAttribute)) return true;
        }
        return false;
    }
}
