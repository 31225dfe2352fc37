using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Emitting;
using AsyncGen.Generator.Lowering;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Parsing;
using AsyncGen.Generator.Rewriting;

namespace AsyncGen.Generator;

/// <summary>
/// Rewrites every <c>[PollAsync] async Future&lt;T&gt;</c> method into a struct state machine and intercepts its
/// call sites. Pipeline: attribute → parsing → rewriting (equatable model) → lowering → emitting; diagnostics
/// travel apart.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class PollAsyncGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(PollAsyncShape.AttributeName,
                static (node, _) => node is MethodDeclarationSyntax or LocalFunctionStatementSyntax,
                ParseAndRewrite)
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
        var loweringFailures = lowered
            .Where(static machine => machine.Failure is not null)
            .Select(static (machine, _) => new LoweringFailure(machine.Spec.FilePath, machine.Spec.MethodLine, machine.Spec.MethodName, machine.Failure!));
        context.RegisterSourceOutput(loweringFailures.Combine(context.CompilationProvider),
            static (output, pair) => output.ReportDiagnostic(pair.Left.ToDiagnostic(pair.Right)));

        var callSites = context.SyntaxProvider
            .CreateSyntaxProvider(CallSiteParser.IsInvocation, CallSiteParser.Parse)
            .Where(static site => site is not null)
            .Select(static (site, _) => site!)
            .WithTrackingName(TrackingNames.CallSites);
        var lowerable = machines.Where(static m => m.Body is not null).Select(static (m, _) => m.Key).Collect();
        var intercepted = callSites.Where(static site => site.NotIntercepted is null).Collect().Combine(lowerable)
            .Select(static (pair, _) =>
            {
                var keys = new HashSet<string>(pair.Right);
                return pair.Left.Where(site => keys.Contains(site.MethodKey)).ToEquatableArray();
            })
            .WithTrackingName(TrackingNames.Interceptors);
        context.RegisterSourceOutput(intercepted, static (output, sites) =>
        {
            if (sites.Count > 0) output.AddSource(InterceptorEmitter.HintName, InterceptorEmitter.Emit(sites));
        });

        // A call that cannot be intercepted runs the fallback: AG0009, unless the callee falls back anyway (its own
        // AG0005 says so) or a generated machine replaces the code around the call.
        var notIntercepted = callSites.Where(static site => site.NotIntercepted is not null).Collect().Combine(lowerable)
            .SelectMany(static (pair, _) =>
            {
                var keys = new HashSet<string>(pair.Right);
                return pair.Left
                    .Where(site => keys.Contains(site.MethodKey) && (site.EnclosingMethodKey is null || !keys.Contains(site.EnclosingMethodKey)))
                    .Select(site => site.NotIntercepted!);
            });
        context.RegisterSourceOutput(notIntercepted.Combine(context.CompilationProvider),
            static (output, pair) => output.ReportDiagnostic(pair.Left.ToDiagnostic(pair.Right)));

        var methodGroups = context.SyntaxProvider
            .CreateSyntaxProvider(CallSiteParser.IsMethodGroupCandidate, CallSiteParser.ParseMethodGroup)
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!);
        context.RegisterSourceOutput(methodGroups.Combine(context.CompilationProvider),
            static (output, pair) => output.ReportDiagnostic(pair.Left.ToDiagnostic(pair.Right)));
    }

    /// <summary>The one transform that sees symbols and syntax: everything it returns is an equatable value.</summary>
    private static MachineResult ParseAndRewrite(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            var parsed = MethodParser.Parse(context, cancellationToken, out var failure);
            if (parsed is null) return failure is null ? MachineResult.Nothing : MachineResult.Fail(failure);
            return MachineRewriter.Rewrite(parsed, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The generator never throws: a bug of ours is AG0007 at the method, which keeps the fallback.
            var location = (context.TargetNode as Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax)?.Identifier.GetLocation() ?? context.TargetNode.GetLocation();
            return MachineResult.Fail(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, location, context.TargetSymbol.Name, error.GetType().Name + ": " + error.Message));
        }
    }
}
