using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Emitting;
using AsyncGen.Generator.Lowering;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator;

/// <summary>
/// Rewrites every <c>[PollAsync] async Future&lt;T&gt;</c> method into a struct state machine and intercepts its
/// call sites. Pipeline: attribute → parser (equatable model) → lowering → emitter; diagnostics travel apart.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class PollAsyncGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(PollAsyncShape.AttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                MethodParser.Parse)
            .WithTrackingName(TrackingNames.Methods);

        var diagnostics = parsed.SelectMany(static (result, _) => result.Diagnostics).WithTrackingName(TrackingNames.Diagnostics);
        // Locations are rebuilt against the current compilation when reported: fresh, and #pragma-suppressible.
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider),
            static (output, pair) => output.ReportDiagnostic(pair.Left.ToDiagnostic(pair.Right)));

        var machines = parsed
            .Where(static result => result.Machine is not null)
            .Select(static (result, _) => result.Machine!)
            .WithTrackingName(TrackingNames.Machines);
        var lowered = machines.Select(static (machine, _) => MachineLowerer.Lower(machine)).WithTrackingName(TrackingNames.Lowered);
        context.RegisterSourceOutput(lowered, static (output, machine) => output.AddSource(machine.Spec.HintName, MachineEmitter.Emit(machine)));

        var callSites = context.SyntaxProvider
            .CreateSyntaxProvider(CallSiteParser.IsInvocation, CallSiteParser.Parse)
            .Where(static site => site is not null)
            .Select(static (site, _) => site!)
            .WithTrackingName(TrackingNames.CallSites);
        var lowerable = machines.Where(static m => m.Body is not null).Select(static (m, _) => m.Key).Collect();
        var intercepted = callSites.Collect().Combine(lowerable)
            .Select(static (pair, _) => pair.Left.Where(site => pair.Right.Contains(site.MethodKey)).ToEquatableArray())
            .WithTrackingName(TrackingNames.Interceptors);
        context.RegisterSourceOutput(intercepted, static (output, sites) =>
        {
            if (sites.Count > 0) output.AddSource(InterceptorEmitter.HintName, InterceptorEmitter.Emit(sites));
        });

        var methodGroups = context.SyntaxProvider
            .CreateSyntaxProvider(CallSiteParser.IsMethodGroupCandidate, CallSiteParser.ParseMethodGroup)
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!);
        context.RegisterSourceOutput(methodGroups.Combine(context.CompilationProvider),
            static (output, pair) => output.ReportDiagnostic(pair.Left.ToDiagnostic(pair.Right)));
    }
}
