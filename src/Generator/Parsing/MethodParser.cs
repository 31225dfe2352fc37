using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Parsing;

/// <summary>Checks a <c>[PollAsync]</c> method (AG0001, AG0002, AG0004) and describes its machine's header.</summary>
internal static class MethodParser
{
    /// <summary>
    /// The parsed method, or null with <paramref name="failure"/> set when a check fails (failure also null: a
    /// method without a body, such as a partial declaration, gets nothing).
    /// </summary>
    public static ParsedMethod? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken, out DiagnosticInfo? failure)
    {
        failure = null;
        if (context.TargetNode is LocalFunctionStatementSyntax localFunction)
        {
            // Its machine would have to capture the enclosing method's locals; the C# compiler's builder does that.
            failure = DiagnosticInfo.Create(DiagnosticDescriptors.LocalFunction, localFunction.Identifier.GetLocation(), localFunction.Identifier.ValueText);
            return null;
        }
        if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax)
            return null;
        if (!PollAsyncShape.TryGetResultType(method, out var resultType, out var returnsUnit))
        {
            failure = DiagnosticInfo.Create(DiagnosticDescriptors.InvalidReturnType, syntax.ReturnType.GetLocation(), method.Name, method.ReturnType.ToDisplayString());
            return null;
        }
        if (!method.IsAsync)
        {
            failure = DiagnosticInfo.Create(DiagnosticDescriptors.NotAsync, syntax.Identifier.GetLocation(), method.Name);
            return null;
        }
        if (PollAsyncShape.FirstNonPartialType(method) is { } notPartial)
        {
            failure = DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, syntax.Identifier.GetLocation(), notPartial.Name, method.Name);
            return null;
        }
        if (syntax.ExplicitInterfaceSpecifier is { } explicitInterface)
        {
            // Only calls through the interface reach it, and a call through an interface cannot be intercepted: a
            // machine would never run (and its struct and factory cannot be named after 'I.M').
            failure = DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedConstruct, syntax.Identifier.GetLocation(),
                $"[PollAsync] on an explicit interface implementation (calls through '{explicitInterface.Name}' cannot be intercepted: make " +
                $"'{syntax.Identifier.ValueText}' return a call of a [PollAsync] method of the class, without async)",
                syntax.Identifier.ValueText);
            return null;
        }
        if (syntax.Body is null && syntax.ExpressionBody is null) return null;
        if (PollAsyncShape.TakesWhatAsyncForbids(method)) return null; // the compiler's CS1988/CS4012 says it all

        var result = returnsUnit ? "global::AsyncGen.Unit" : PollAsyncShape.ResultTypeName(resultType!);
        var header = Header(method, syntax, result, returnsUnit, cancellationToken);
        return new ParsedMethod(context.SemanticModel, method, syntax, (SyntaxNode?)syntax.Body ?? syntax.ExpressionBody!, header);
    }

    private static MachineSpec Header(IMethodSymbol method, MethodDeclarationSyntax syntax, string result, bool returnsUnit, CancellationToken cancellationToken)
    {
        var containingType = method.ContainingType;
        var tree = syntax.SyntaxTree;
        var compilationUnit = (CompilationUnitSyntax)tree.GetRoot(cancellationToken);
        var typeParameters = method.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", method.TypeParameters.Select(t => t.Name)) + ">";
        return new MachineSpec(
            Key: PollAsyncShape.Key(method),
            HintName: HintName(method),
            FilePath: tree.FilePath,
            Namespace: containingType.ContainingNamespace.IsGlobalNamespace ? null : containingType.ContainingNamespace.ToDisplayString(),
            Usings: compilationUnit.Usings.Where(u => u.GlobalKeyword.IsKind(SyntaxKind.None)).Select(u => u.ToString()).ToEquatableArray(),
            NamespaceUsings: syntax.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().SelectMany(n => n.Usings).Select(u => u.ToString()).ToEquatableArray(),
            ContainingTypes: PollAsyncShape.ContainingTypes(containingType).ToEquatableArray(),
            MethodName: method.Name,
            MethodLine: BodySyntax.Line(syntax.Identifier.Parent!),
            StructName: PollAsyncShape.StructName(method),
            FactoryName: PollAsyncShape.FactoryName(method),
            TypeParameters: typeParameters,
            TypeArguments: typeParameters,
            Constraints: string.Join(" ", syntax.ConstraintClauses.Select(c => c.ToString())),
            ParameterListText: syntax.ParameterList.ToString(),
            ArgumentListText: string.Join(", ", method.Parameters.Select(p => "@" + p.Name)),
            IsStatic: method.IsStatic,
            ThisType: method.IsStatic ? null : containingType.ToDisplayString(PollAsyncShape.TypeFormat),
            ThisIsStruct: containingType.IsValueType,
            ResultType: result,
            ReturnsUnit: returnsUnit,
            Parameters: EquatableArray<ParameterSpec>.Empty,
            Fields: EquatableArray<FieldSpec>.Empty,
            ClosureFields: EquatableArray<FieldSpec>.Empty,
            Awaits: EquatableArray<AwaitSite>.Empty,
            FinallyMethods: EquatableArray<FinallyModel>.Empty,
            Body: null,
            Accessibility: PollAsyncShape.MachineAccessibility(method),
            HidesStruct: PollAsyncShape.HidesInheritedStruct(method),
            HidesFactory: PollAsyncShape.HidesInheritedFactory(method));
    }

    private static string HintName(IMethodSymbol method)
    {
        var name = method.ContainingType.ToDisplayString() + "." + PollAsyncShape.StructName(method);
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_').ToArray();
        return new string(chars) + ".g.cs";
    }
}
