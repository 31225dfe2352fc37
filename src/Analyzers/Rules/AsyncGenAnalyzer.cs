using System.Collections.Immutable;
using AsyncGen.Analyzers.Semantics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncGen.Analyzers.Rules;

/// <summary>
/// What every AsyncGen rule shares: one descriptor, concurrent execution, generated code skipped, and silence in
/// compilations that do not reference the runtime. Callbacks keep no state: the resolved <see cref="KnownTypes"/> is
/// immutable and per compilation.
/// </summary>
public abstract class AsyncGenAnalyzer : DiagnosticAnalyzer
{
    private protected AsyncGenAnalyzer(DiagnosticDescriptor rule)
    {
        Rule = rule;
        SupportedDiagnostics = ImmutableArray.Create(rule);
    }

    /// <inheritdoc/>
    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    private protected DiagnosticDescriptor Rule { get; }

    /// <inheritdoc/>
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = new KnownTypes(start.Compilation);
            if (types.HasRuntime) Register(start, types);
        });
    }

    /// <summary>Registers the rule's actions for one compilation that references the AsyncGen runtime.</summary>
    private protected abstract void Register(CompilationStartAnalysisContext context, KnownTypes types);
}
