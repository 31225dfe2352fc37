using System.Collections.Immutable;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGen.Analyzers.Suppressors;

/// <summary>
/// Hides the compiler's CS4014 ("execution of the current method continues before the call is completed") when the
/// un-awaited call returns a future: for a lazy future that message is wrong — nothing runs at all — and AG0106
/// reports the same statement with the right explanation. When AG0106 is turned off, CS4014 is left alone, so the
/// mistake never goes unreported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnawaitedFutureSuppressor : DiagnosticSuppressor
{
    internal static readonly SuppressionDescriptor Rule = new(
        "AGSP0106",
        "CS4014",
        "The call returns a lazy future: AG0106 reports that it never runs, which CS4014 misdescribes");

    /// <inheritdoc/>
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        var types = new KnownTypes(context.Compilation);
        if (!types.HasRuntime) return;
        foreach (var diagnostic in context.ReportedDiagnostics)
        {
            var tree = diagnostic.Location.SourceTree;
            if (tree is null || !IsReported(context, tree, DiagnosticDescriptors.FutureNeverAwaited)) continue;
            var node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var type = node is ExpressionSyntax call ? context.GetSemanticModel(tree).GetTypeInfo(call, context.CancellationToken).Type : null;
            if (types.IsFuture(type) && !types.IsJoinHandle(type)) context.ReportSuppression(Suppression.Create(Rule, diagnostic));
        }
    }

    /// <summary>False when the rule is turned off for <paramref name="tree"/> (.editorconfig, or the compilation options).</summary>
    private static bool IsReported(SuppressionAnalysisContext context, SyntaxTree tree, DiagnosticDescriptor rule)
    {
        var options = context.Compilation.Options;
        if (options.SyntaxTreeOptionsProvider?.TryGetDiagnosticValue(tree, rule.Id, context.CancellationToken, out var configured) == true)
        {
            return configured != ReportDiagnostic.Suppress;
        }
        return !options.SpecificDiagnosticOptions.TryGetValue(rule.Id, out var specific) || specific != ReportDiagnostic.Suppress;
    }
}
