using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Parsing;

/// <summary>The parser's verdict on one method: the machine to emit (if any) and the diagnostics to report.</summary>
internal sealed record ParseResult(MachineSpec? Machine, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Checks a <c>[PollAsync]</c> method and builds its <see cref="MachineSpec"/>.</summary>
internal static class MethodParser
{
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax)
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        try
        {
            return Parse(context.SemanticModel, method, syntax, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, syntax.Identifier.GetLocation(), method.Name, error.GetType().Name + ": " + error.Message));
        }
    }

    private static ParseResult Fail(DiagnosticInfo diagnostic) => new(null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));

    private static ParseResult Parse(SemanticModel model, IMethodSymbol method, MethodDeclarationSyntax syntax, CancellationToken cancellationToken)
    {
        if (!PollAsyncShape.TryGetResultType(method, out var resultType, out var returnsUnit))
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidReturnType, syntax.ReturnType.GetLocation(), method.Name, method.ReturnType.ToDisplayString()));
        if (!method.IsAsync)
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.NotAsync, syntax.Identifier.GetLocation(), method.Name));
        if (PollAsyncShape.FirstNonPartialType(method) is { } notPartial)
            return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, syntax.Identifier.GetLocation(), notPartial.Name, method.Name));
        if (syntax.Body is null && syntax.ExpressionBody is null)
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);

        var containingType = method.ContainingType;
        var thisAccess = method.IsStatic ? null : containingType.IsValueType ? "_this" : "__this";
        var result = returnsUnit ? "global::AsyncGen.Unit" : resultType!.ToDisplayString(PollAsyncShape.TypeFormat);
        var readyFormat = $"global::AsyncGen.Poll<{result}>.Ready({{0}})";
        SyntaxNode body = (SyntaxNode?)syntax.Body ?? syntax.ExpressionBody!;

        var diagnostics = new List<DiagnosticInfo>();
        BlockStmt? bodyModel = null;
        VariableTable? variables = null;
        BodyBuilder? builder = null;
        try
        {
            variables = new VariableTable(model, method, body);
            builder = new BodyBuilder(model, method, body, variables, thisAccess, readyFormat, returnsUnit);
            bodyModel = builder.Build();
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (UnsupportedConstructException unsupported)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedConstruct, unsupported.Node.GetLocation(), unsupported.Construct, method.Name));
            bodyModel = null;
        }
        catch (RefLikeAcrossAwaitException refLike)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RefLikeLocalAcrossAwait, refLike.Node.GetLocation(), refLike.Name, refLike.Type));
            bodyModel = null;
        }

        var fields = new List<FieldSpec>();
        if (bodyModel is not null)
        {
            if (!method.IsStatic) fields.Add(new FieldSpec("_this", containingType.ToDisplayString(PollAsyncShape.TypeFormat), containingType.IsValueType ? "copy of 'this' (C# copies a struct into its async machine)" : "'this'"));
            fields.AddRange(variables!.Fields);
            fields.AddRange(builder!.Fields);
        }

        var tree = syntax.SyntaxTree;
        var compilationUnit = (CompilationUnitSyntax)tree.GetRoot(cancellationToken);
        var machine = new MachineSpec(
            Key: PollAsyncShape.Key(method),
            HintName: HintName(method),
            FilePath: tree.FilePath,
            Namespace: containingType.ContainingNamespace.IsGlobalNamespace ? null : containingType.ContainingNamespace.ToDisplayString(),
            Usings: compilationUnit.Usings.Where(u => u.GlobalKeyword.IsKind(SyntaxKind.None)).Select(u => u.ToString()).ToEquatableArray(),
            NamespaceUsings: syntax.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().SelectMany(n => n.Usings).Select(u => u.ToString()).ToEquatableArray(),
            ContainingTypes: ContainingTypes(containingType).ToEquatableArray(),
            MethodName: method.Name,
            MethodLine: BodySyntax.Line(syntax.Identifier.Parent!),
            StructName: PollAsyncShape.StructName(method),
            FactoryName: PollAsyncShape.FactoryName(method),
            TypeParameters: method.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", method.TypeParameters.Select(t => t.Name)) + ">",
            TypeArguments: method.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", method.TypeParameters.Select(t => t.Name)) + ">",
            Constraints: string.Join(" ", syntax.ConstraintClauses.Select(c => c.ToString())),
            ParameterListText: syntax.ParameterList.ToString(),
            ArgumentListText: string.Join(", ", method.Parameters.Select(p => "@" + p.Name)),
            IsStatic: method.IsStatic,
            ThisType: method.IsStatic ? null : containingType.ToDisplayString(PollAsyncShape.TypeFormat),
            ThisIsStruct: containingType.IsValueType,
            ResultType: result,
            ReturnsUnit: returnsUnit,
            Parameters: (variables?.Parameters ?? new List<ParameterSpec>()).ToEquatableArray(),
            Fields: fields.ToEquatableArray(),
            ClosureFields: (bodyModel is null ? new List<FieldSpec>() : variables!.ClosureFields).ToEquatableArray(),
            Awaits: (bodyModel is null ? new List<AwaitSite>() : builder!.Awaits).ToEquatableArray(),
            FinallyMethods: (bodyModel is null ? new List<FinallyModel>() : builder!.FinallyMethods).ToEquatableArray(),
            Body: bodyModel);
        return new ParseResult(machine, diagnostics.ToEquatableArray());
    }

    private static IEnumerable<ContainingTypeSpec> ContainingTypes(INamedTypeSymbol innermost)
    {
        var types = new List<INamedTypeSymbol>();
        for (var type = innermost; type is not null; type = type.ContainingType) types.Insert(0, type);
        foreach (var type in types)
        {
            var declaration = (TypeDeclarationSyntax)type.DeclaringSyntaxReferences[0].GetSyntax();
            var keyword = declaration is RecordDeclarationSyntax record
                ? "record" + (record.ClassOrStructKeyword.IsKind(SyntaxKind.None) ? "" : " " + record.ClassOrStructKeyword.Text)
                : declaration.Keyword.Text;
            var typeParameters = type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", type.TypeParameters.Select(t => t.Name)) + ">";
            yield return new ContainingTypeSpec(keyword, type.Name, typeParameters, "");
        }
    }

    private static string HintName(IMethodSymbol method)
    {
        var name = method.ContainingType.ToDisplayString() + "." + PollAsyncShape.StructName(method);
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_').ToArray();
        return new string(chars) + ".g.cs";
    }
}
