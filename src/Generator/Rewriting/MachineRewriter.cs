using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// Rewrites a parsed method's body into the statement model: where each variable lives (<see cref="VariableTable"/>),
/// awaits spilled out of expressions, try/finally and jumps taken apart (<see cref="BodyBuilder"/>). A construct it
/// cannot rewrite becomes AG0005 (or AG0003) at its node, and the machine wraps the fallback future.
/// </summary>
internal static class MachineRewriter
{
    public static MachineResult Rewrite(ParsedMethod parsed, CancellationToken cancellationToken)
    {
        var header = parsed.Header;
        var method = parsed.Method;
        try
        {
            var fields = new MachineFields();
            var variables = new VariableTable(parsed.Model, method, parsed.Body, fields.Names, parsed.ThisAccess, header.StructName);
            var jumps = new JumpTable(fields, header.ResultType, parsed.ReadyFormat);
            var builder = new BodyBuilder(parsed, variables, fields, jumps);
            var body = builder.Build();
            cancellationToken.ThrowIfCancellationRequested();

            var allFields = new List<FieldSpec>();
            if (!method.IsStatic)
                allFields.Add(new FieldSpec(GeneratedNames.ThisField, header.ThisType!, header.ThisIsStruct ? "copy of 'this' (C# copies a struct into its async machine)" : "'this'"));
            allFields.AddRange(variables.Fields);
            allFields.AddRange(fields.Synthesized);
            var machine = header with
            {
                Parameters = variables.Parameters.ToEquatableArray(),
                Fields = allFields.ToEquatableArray(),
                ClosureFields = variables.ClosureFields.ToEquatableArray(),
                Awaits = builder.Awaits.ToEquatableArray(),
                FinallyMethods = builder.FinallyMethods.ToEquatableArray(),
                Body = body,
                PrimaryConstructorAccessors = variables.PrimaryConstructorAccessors.ToEquatableArray(),
                BaseAccessors = builder.BaseAccessors.Declarations.ToEquatableArray(),
                // Entry states follow the awaits': an await's state is its position in the source, for the header.
                CancelEntries = builder.CancelEntries.Select((e, i) => e with { State = builder.Awaits.Count + i + 1 }).ToEquatableArray(),
                CancelledAtField = builder.CancelledAtField,
                StartedDisposalLines = builder.StartedDisposalLines.ToEquatableArray(),
                UsesHoist = variables.UsesHoist,
                UsesRemember = builder.UsesRemember,
                UsesDeconstructed = builder.UsesDeconstructed,
                LambdaCreators = variables.Shapes.LambdaCreators.ToEquatableArray(),
                UsesAnonymousValue = variables.Shapes.IsValueUsed,
                UsesAsAnonymous = variables.Shapes.IsUsed,
                AnonymousShapes = variables.Shapes.HelperDeclarations.ToEquatableArray(),
                SynthesizedDelegates = builder.SynthesizedDelegates.Declarations.ToEquatableArray(),
                ScopeClosures = variables.ScopeClosures.Select(c => new ScopeClosureSpec(c.Type, c.Field, c.Fields.ToEquatableArray())).ToEquatableArray(),
            };
            return new MachineResult(machine, builder.PatternReadDifferences
                .Select(d => DiagnosticInfo.Create(DiagnosticDescriptors.PatternReadDiffers, d.Node.GetLocation(), d.Difference, method.Name))
                .ToEquatableArray());
        }
        catch (UnsupportedConstructException unsupported)
        {
            return Fallback(header, $"it uses {unsupported.Construct} (AG0005, line {BodySyntax.Line(unsupported.Node)})",
                DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedConstruct, unsupported.Node.GetLocation(), unsupported.Construct, method.Name));
        }
        catch (RefLikeAcrossAwaitException refLike)
        {
            return Fallback(header, $"'{refLike.Name}' of type '{refLike.Type}' lives across an await (AG0003)",
                DiagnosticInfo.Create(DiagnosticDescriptors.RefLikeLocalAcrossAwait, refLike.Node.GetLocation(), refLike.Name, refLike.Type));
        }
        catch (System.Exception error) when (error is not System.OperationCanceledException)
        {
            // A bug of ours: the method keeps working through the fallback, and the user learns why.
            var text = error.GetType().Name + ": " + error.Message;
            return Fallback(header, $"the generator failed on it (AG0007: {text})",
                DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, parsed.Syntax.Identifier.GetLocation(), method.Name, text));
        }
    }

    /// <summary>The struct over the fallback future (the header has no body), with the reason reported.</summary>
    private static MachineResult Fallback(MachineSpec header, string reason, DiagnosticInfo diagnostic) =>
        new(header with { FallbackReason = reason }, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
}
