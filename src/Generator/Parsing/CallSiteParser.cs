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
        // Reported even inside a [PollAsync] body: its machine leaves a virtual call to C# too.
        if (PollAsyncShape.DispatchesVirtually(method, invocation, context.SemanticModel))
            return Rejected(context, invocation, method,
                $"'{method.Name}' is {(method.IsAbstract ? "abstract" : method.IsOverride ? "an override" : "virtual")} and C# calls it virtually, so the override of the object's run-time type must run, while an interceptor binds to one declaration's machine",
                "seal the override or its class (or call it on a sealed type, or through 'base.'), make the method non-virtual, or accept the boxed fallback here (suppress AG0009)",
                cancellationToken, reportInBodies: true);
        if (PollAsyncShape.HasAnonymousTypeArgument(method))
            return Rejected(context, invocation, method,
                "its type arguments are or contain an anonymous type, which an interceptor cannot name",
                "pass a type you declare, such as a record",
                cancellationToken);
        if (!IsClosed(method))
            return Rejected(context, invocation, method,
                "it is made in generic code, and an interceptor must name its type arguments",
                "call it from a [PollAsync] method (whose machine calls it directly, whatever the type arguments) or from non-generic code", cancellationToken);
        // A private or protected type in the way: only the method's own type can name it, so the interceptor is a
        // member of that type (hosted), with the method's accessibility.
        var hidden = HiddenType(method);
        if (hidden is not null && HostRejection(method, hidden, invocation.SyntaxTree.Options) is { } rejection)
            return Rejected(context, invocation, method, rejection.Why, rejection.Fix, cancellationToken);
        if (context.SemanticModel.GetInterceptableLocation(invocation, cancellationToken) is not { } location)
            return Rejected(context, invocation, method, "the compiler cannot intercept a call of this form", "call the method directly by name", cancellationToken);
        if (!PollAsyncShape.TryGetResultType(method, out _, out _)) return null;

        var parameters = method.Parameters.Select((p, i) => $"{(isExtensionCall && i == 0 ? "this " : "")}{p.Type.ToDisplayString(PollAsyncShape.TypeFormat)} @{p.Name}").ToList();
        var containing = method.ContainingType.ToDisplayString(PollAsyncShape.TypeFormat);
        // A struct's receiver is 'ref this', or 'in this' for a readonly member or a member of a readonly struct:
        // the interceptor's 'this' parameter must match it (CS9148). A hosted interceptor of an instance method is an
        // instance member of the same type: its own 'this' is the receiver.
        var receiver = hidden is null ? "@this" : "this";
        if (!method.IsStatic && hidden is null) parameters.Insert(0, $"this {ReceiverRefKind(method)}{containing} @this");
        var typeArguments = method.TypeArguments.Length == 0 ? "" : "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(PollAsyncShape.TypeFormat))) + ">";
        var call = $"{(method.IsStatic ? containing : receiver)}.{PollAsyncShape.FactoryName(method)}{typeArguments}({string.Join(", ", method.Parameters.Select(p => "@" + p.Name))})";
        var (box, _) = PollAsyncShape.BoxTypes(method);
        var line = invocation.GetLocation().GetLineSpan();
        return new CallSiteSpec(
            PollAsyncShape.Key(method), method.Name, method.ReturnType.ToDisplayString(PollAsyncShape.TypeFormat),
            "(" + string.Join(", ", parameters) + ")", $"new {box}({call})",
            location.Version, location.Data,
            $"{System.IO.Path.GetFileName(line.Path)}({line.StartLinePosition.Line + 1},{line.StartLinePosition.Character + 1})",
            Host: hidden is null ? null : Host(method));
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

    /// <summary>
    /// The private or protected type that keeps an interceptor in a file class of its own from replacing calls of
    /// <paramref name="method"/>: a type enclosing the method, or one its signature uses; null when there is none.
    /// </summary>
    private static ITypeSymbol? HiddenType(IMethodSymbol method) => HiddenTypes(method).FirstOrDefault();

    private static System.Collections.Generic.IEnumerable<ITypeSymbol> HiddenTypes(IMethodSymbol method)
    {
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            if (PollAsyncShape.IsHidden(type.DeclaredAccessibility)) yield return type;
        if (PollAsyncShape.InaccessibleSignatureType(method) is { } inSignature) yield return inSignature;
    }

    /// <summary>Why the method's own type cannot declare the interceptor, and what the user can change; null when it can.</summary>
    private static (string Why, string Fix)? HostRejection(IMethodSymbol method, ITypeSymbol hidden, ParseOptions options)
    {
        var what = hidden is INamedTypeSymbol named && (SymbolEqualityComparer.Default.Equals(named, method.ContainingType) || IsEnclosing(named, method.ContainingType))
            ? $"'{hidden.OriginalDefinition.ToDisplayString()}' is {Describe(hidden.DeclaredAccessibility)}"
            : $"its signature uses '{hidden.ToDisplayString()}', which is {Describe(hidden.DeclaredAccessibility)}";
        var host = method.ContainingType.OriginalDefinition;
        var declare = "declare " + string.Join(" and ", HiddenTypes(method).Select(t => $"'{t.Name}'")) + " internal or public";
        // CS9138: an interceptor cannot be declared in a generic type, at any level of nesting.
        for (var type = host; type is not null; type = type.ContainingType)
            if (type.TypeParameters.Length > 0)
                return ($"{what}, so only a member of '{host.ToDisplayString()}' could intercept it, and C# accepts no interceptor in the generic type '{type.OriginalDefinition.ToDisplayString()}'",
                        $"{declare}, or declare '{method.Name}' in a non-generic partial type");
        // CS9137: interceptors are accepted only in the namespaces the project lists (the AsyncGen package lists
        // AsyncGen.Generated and the project's RootNamespace).
        var namespaceName = host.ContainingNamespace.IsGlobalNamespace ? null : host.ContainingNamespace.ToDisplayString();
        if (!InterceptorsAllowedIn(namespaceName, options))
            return ($"{what}, so only a member of '{host.ToDisplayString()}' can intercept it, and the project does not accept interceptors in {(namespaceName is null ? "the global namespace" : $"namespace '{namespaceName}'")}",
                    $"add <InterceptorsNamespaces>$(InterceptorsNamespaces);{namespaceName ?? "global"}</InterceptorsNamespaces> to the project, or {declare}");
        return null;
    }

    private static bool IsEnclosing(INamedTypeSymbol candidate, INamedTypeSymbol type)
    {
        for (var current = type.ContainingType; current is not null; current = current.ContainingType)
            if (SymbolEqualityComparer.Default.Equals(current, candidate)) return true;
        return false;
    }

    /// <summary>
    /// The compiler's rule (CS9137/CS9206): an interceptor's namespace must start with one listed in the
    /// <c>InterceptorsNamespaces</c> feature (or its older spelling), or the list must hold <c>global</c>.
    /// </summary>
    private static bool InterceptorsAllowedIn(string? namespaceName, ParseOptions options)
    {
        var segments = namespaceName?.Split('.') ?? [];
        foreach (var key in new[] { "InterceptorsNamespaces", "InterceptorsPreviewNamespaces" })
        {
            if (!options.Features.TryGetValue(key, out var list)) continue;
            foreach (var entry in list.Split(';'))
            {
                var listed = entry.Trim();
                if (listed.Length == 0) continue;
                if (listed == "global") return true;
                var parts = listed.Split('.');
                if (parts.Length <= segments.Length && parts.Select((p, i) => p == segments[i]).All(same => same)) return true;
            }
        }
        return false;
    }

    /// <summary>The method's own type, reopened to declare the interceptor with the method's accessibility.</summary>
    private static InterceptorHost Host(IMethodSymbol method)
    {
        var type = method.ContainingType;
        var modifiers = PollAsyncShape.AccessibilityKeyword(method.DeclaredAccessibility) +
                        (method.IsStatic ? " static" : method.IsReadOnly && !type.IsReadOnly ? " readonly" : "");
        return new InterceptorHost(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            PollAsyncShape.ContainingTypes(type).ToEquatableArray(), modifiers);
    }

    private static string Describe(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        _ => "private protected",
    };

    private static CallSiteSpec Rejected(GeneratorSyntaxContext context, InvocationExpressionSyntax invocation, IMethodSymbol method, string why, string fix, CancellationToken cancellationToken, bool reportInBodies = false)
    {
        // Inside the body of a [PollAsync] method, the generated machine calls the factory itself: only the fallback
        // copy of the body would run this call, and that copy runs only when the machine could not be generated.
        string? enclosing = null;
        if (!reportInBodies && invocation.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } declaration &&
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
