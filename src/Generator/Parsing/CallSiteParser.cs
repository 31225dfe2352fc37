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
        if (!PollAsyncShape.GetsStruct(method)) return null;
        if (NotInterceptable(method) is { } reason)
            return Rejected(context, invocation, method, reason.Why, reason.Fix, cancellationToken);
        if (context.SemanticModel.GetInterceptableLocation(invocation, cancellationToken) is not { } location)
            return Rejected(context, invocation, method, "the compiler cannot intercept a call of this form", "call the method directly by name", cancellationToken);
        if (!PollAsyncShape.TryGetResultType(method, out _, out _)) return null;

        var parameters = method.Parameters.Select((p, i) => $"{(isExtensionCall && i == 0 ? "this " : "")}{p.Type.ToDisplayString(PollAsyncShape.TypeFormat)} @{p.Name}").ToList();
        var containing = method.ContainingType.ToDisplayString(PollAsyncShape.TypeFormat);
        // A struct's receiver is 'ref this', or 'in this' for a readonly member or a member of a readonly struct:
        // the interceptor's 'this' parameter must match it (CS9148).
        if (!method.IsStatic) parameters.Insert(0, $"this {ReceiverRefKind(method)}{containing} @this");
        var typeArguments = method.TypeArguments.Length == 0 ? "" : "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(PollAsyncShape.TypeFormat))) + ">";
        var call = $"{(method.IsStatic ? containing : "@this")}.{PollAsyncShape.FactoryName(method)}{typeArguments}({string.Join(", ", method.Parameters.Select(p => "@" + p.Name))})";
        var (box, _) = PollAsyncShape.BoxTypes(method);
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

    private static string ReceiverRefKind(IMethodSymbol method) =>
        !method.ContainingType.IsValueType ? "" : method.IsReadOnly || method.ContainingType.IsReadOnly ? "in " : "ref ";

    /// <summary>Why an interceptor cannot replace calls of <paramref name="method"/>, and what the user can change; null when it can.</summary>
    private static (string Why, string Fix)? NotInterceptable(IMethodSymbol method)
    {
        if (!IsClosed(method))
            return ("it is made in generic code, and an interceptor must name its type arguments",
                    "call it from a [PollAsync] method (whose machine calls it directly, whatever the type arguments) or from non-generic code");
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            if (PollAsyncShape.IsHidden(type.DeclaredAccessibility))
                return ($"'{type.ToDisplayString()}' is {Describe(type.DeclaredAccessibility)}, so the interceptor (a file class of its own) cannot reach the machine",
                        $"declare '{type.Name}' internal or public");
        if (PollAsyncShape.InaccessibleSignatureType(method) is { } hidden)
            return ($"its signature uses '{hidden.ToDisplayString()}', which is private or protected, so the interceptor cannot name it",
                    $"declare '{hidden.Name}' internal or public");
        return null;
    }

    private static string Describe(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        _ => "private protected",
    };

    private static CallSiteSpec Rejected(GeneratorSyntaxContext context, InvocationExpressionSyntax invocation, IMethodSymbol method, string why, string fix, CancellationToken cancellationToken)
    {
        // Inside the body of a [PollAsync] method, the generated machine calls the factory itself: only the fallback
        // copy of the body would run this call, and that copy runs only when the machine could not be generated.
        string? enclosing = null;
        if (invocation.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } declaration &&
            context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is { } caller && PollAsyncShape.GetsStruct(caller))
            enclosing = PollAsyncShape.Key(caller);
        var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.CallNotIntercepted, invocation.GetLocation(), method.Name, why, fix);
        return CallSiteSpec.Rejected(PollAsyncShape.Key(method), diagnostic, enclosing);
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
}
