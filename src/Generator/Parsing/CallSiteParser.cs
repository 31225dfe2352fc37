using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Model;

namespace AsyncGen.Generator.Parsing;

/// <summary>Finds calls of <c>[PollAsync]</c> methods to intercept, and method-group uses to warn about.</summary>
internal static class CallSiteParser
{
    public static bool IsInvocation(SyntaxNode node, CancellationToken _) => node is InvocationExpressionSyntax;

    public static CallSiteSpec? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (context.SemanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol called) return null;
        // x.M() of an extension method: intercept with the static form, whose first parameter takes 'this'.
        var isExtensionCall = called.ReducedFrom is not null;
        var method = isExtensionCall ? called.GetConstructedReducedFrom() ?? called : called;
        if (!PollAsyncShape.GetsStruct(method) ||
            !IsClosed(method) || !IsReachableFromGeneratedCode(method.ContainingType))
            return null;
        if (context.SemanticModel.GetInterceptableLocation(invocation, cancellationToken) is not { } location) return null;
        if (!PollAsyncShape.TryGetResultType(method, out var resultType, out var returnsUnit)) return null;

        var parameters = method.Parameters.Select((p, i) => $"{(isExtensionCall && i == 0 ? "this " : "")}{p.Type.ToDisplayString(PollAsyncShape.TypeFormat)} @{p.Name}").ToList();
        var containing = method.ContainingType.ToDisplayString(PollAsyncShape.TypeFormat);
        if (!method.IsStatic) parameters.Insert(0, $"this {(method.ContainingType.IsValueType ? "ref " : "")}{containing} @this");
        var typeArguments = method.TypeArguments.Length == 0 ? "" : "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(PollAsyncShape.TypeFormat))) + ">";
        var call = $"{(method.IsStatic ? containing : "@this")}.{PollAsyncShape.FactoryName(method)}{typeArguments}({string.Join(", ", method.Parameters.Select(p => "@" + p.Name))})";
        var structType = PollAsyncShape.StructTypeName(method);
        var box = returnsUnit
            ? $"global::AsyncGen.FutureBox<{structType}>"
            : $"global::AsyncGen.FutureBox<{structType}, {resultType!.ToDisplayString(PollAsyncShape.TypeFormat)}>";
        var line = invocation.GetLocation().GetLineSpan();
        return new CallSiteSpec(
            PollAsyncShape.Key(method), method.Name, method.ReturnType.ToDisplayString(PollAsyncShape.TypeFormat),
            "(" + string.Join(", ", parameters) + ")", $"new {box}({call})",
            location.Version, location.Data,
            $"{System.IO.Path.GetFileName(line.Path)}({line.StartLinePosition.Line + 1},{line.StartLinePosition.Character + 1})");
    }

    /// <summary>Positions where a method name is converted to a delegate rather than called.</summary>
    public static bool IsMethodGroupCandidate(SyntaxNode node, CancellationToken _) =>
        node is IdentifierNameSyntax or MemberAccessExpressionSyntax &&
        node.Parent is ArgumentSyntax or EqualsValueClauseSyntax or ReturnStatementSyntax or ArrowExpressionClauseSyntax or CastExpressionSyntax ||
        node is IdentifierNameSyntax or MemberAccessExpressionSyntax && node.Parent is AssignmentExpressionSyntax assignment && assignment.Right == node;

    public static DiagnosticInfo? ParseMethodGroup(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var info = context.SemanticModel.GetSymbolInfo(context.Node, cancellationToken);
        var method = info.Symbol as IMethodSymbol ?? info.CandidateSymbols.OfType<IMethodSymbol>().FirstOrDefault();
        if (method is null || !PollAsyncShape.HasAttribute(method.OriginalDefinition)) return null;
        if (context.SemanticModel.GetTypeInfo(context.Node, cancellationToken).ConvertedType is not { TypeKind: TypeKind.Delegate }) return null;
        return DiagnosticInfo.Create(DiagnosticDescriptors.MethodGroup, context.Node.GetLocation(), method.Name);
    }

    /// <summary>Interceptors are written with concrete types; a call inside generic code keeps the fallback.</summary>
    private static bool IsClosed(IMethodSymbol method) =>
        method.TypeArguments.All(IsClosedType) && IsClosedType(method.ContainingType);

    private static bool IsClosedType(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => false,
        IArrayTypeSymbol array => IsClosedType(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.All(IsClosedType) && (named.ContainingType is null || IsClosedType(named.ContainingType)),
        _ => true,
    };

    private static bool IsReachableFromGeneratedCode(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
            if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                return false;
        return true;
    }
}
