using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Parsing;

/// <summary>
/// The checks that decide whether a method gets a generated struct, shared by the method parser, by call sites
/// (interceptors) and by callers that embed the struct: all three must agree on the struct's name and existence.
/// </summary>
internal static class PollAsyncShape
{
    public const string AttributeName = "AsyncGen.PollAsyncAttribute";

    /// <summary>Full names with nullable annotations, so generated signatures match the user's exactly.</summary>
    public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static bool HasAttribute(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeName);

    /// <summary>True when the generator emits a struct and factory for <paramref name="method"/>.</summary>
    public static bool GetsStruct(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        return HasAttribute(method) && method.IsAsync && method.MethodKind == MethodKind.Ordinary &&
               TryGetResultType(method, out _, out _) && FirstNonPartialType(method) is null && !TakesWhatAsyncForbids(method) &&
               method.DeclaringSyntaxReferences.Length > 0 && method.ContainingType is not null;
    }

    /// <summary>
    /// True when C# calls <paramref name="method"/> virtually at <paramref name="invocation"/>: the body that runs is
    /// the override of the receiver's run-time type, which no single machine (nor an interceptor bound to one) can
    /// stand for. A call is bound statically when the method is static or not virtual, sealed, declared in a sealed
    /// or value type, called through <c>base.</c>, or called on a receiver whose static type is sealed (explicitly,
    /// or the sealed type an unqualified call is made in) and whose implementation of the method is this
    /// declaration: the object's run-time type is then exactly that type, whether it declares the method or inherits
    /// it.
    /// </summary>
    public static bool DispatchesVirtually(IMethodSymbol method, InvocationExpressionSyntax invocation, SemanticModel model)
    {
        if (method.IsStatic || !(method.IsVirtual || method.IsOverride || method.IsAbstract)) return false;
        if (method.IsSealed || method.ContainingType.IsSealed || method.ContainingType.IsValueType) return false;
        ITypeSymbol? receiver;
        switch (invocation.Expression)
        {
            case MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax }:
                return false;
            case MemberAccessExpressionSyntax member:
                receiver = model.GetTypeInfo(member.Expression).Type;
                break;
            case SimpleNameSyntax: // M(): 'this' of the type the call is written in
                receiver = model.GetEnclosingSymbol(invocation.SpanStart)?.ContainingType;
                break;
            default:
                return true;
        }
        return receiver is not INamedTypeSymbol { IsSealed: true, TypeKind: TypeKind.Class } sealedType || !Implements(sealedType, method);
    }

    /// <summary>
    /// True when the override of <paramref name="method"/>'s slot that an object of exactly
    /// <paramref name="type"/> runs is <paramref name="method"/> itself: no type between <paramref name="type"/>
    /// and the method's own type overrides it again.
    /// </summary>
    private static bool Implements(INamedTypeSymbol type, IMethodSymbol method)
    {
        var declaring = method.ContainingType.OriginalDefinition;
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, declaring)) return true;
            foreach (var member in current.GetMembers(method.Name))
            {
                if (member is IMethodSymbol { IsOverride: true } candidate && Overrides(candidate, method)) return false;
            }
        }
        return false; // the method is not in the receiver's chain (an extension form): leave the call virtual
    }

    private static bool Overrides(IMethodSymbol candidate, IMethodSymbol method)
    {
        var target = method.OriginalDefinition;
        for (var overridden = candidate.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, target)) return true;
        }
        return false;
    }

    /// <summary>
    /// A ref, in or out parameter, or one of a ref struct type: C# rejects it in any async method (CS1988, CS4012),
    /// so the generator leaves that error alone rather than adding its own from a machine that cannot compile.
    /// </summary>
    public static bool TakesWhatAsyncForbids(IMethodSymbol method) =>
        method.Parameters.Any(p => p.RefKind != RefKind.None || p.Type.IsRefLikeType);

    /// <summary>Recognises <c>AsyncGen.Future</c> (result: Unit) and <c>AsyncGen.Future&lt;T&gt;</c>.</summary>
    public static bool TryGetResultType(IMethodSymbol method, out ITypeSymbol? resultType, out bool returnsUnit)
    {
        resultType = null;
        returnsUnit = false;
        if (method.ReturnType is not INamedTypeSymbol { ContainingNamespace.Name: "AsyncGen" } type ||
            type.ContainingNamespace.ContainingNamespace?.IsGlobalNamespace != true || type.Name != "Future")
            return false;
        if (type.TypeArguments.Length == 0)
        {
            returnsUnit = true;
            return true;
        }
        resultType = type.TypeArguments[0];
        return type.TypeArguments.Length == 1;
    }

    /// <summary>
    /// The result type as the machine implements it: <c>dynamic</c> becomes <c>object</c>, since a type cannot
    /// implement <c>IFuture&lt;dynamic&gt;</c> (CS1966); <c>Future&lt;object&gt;</c> and <c>Future&lt;dynamic&gt;</c>
    /// convert to each other by identity, so callers see no difference.
    /// </summary>
    public static string ResultTypeName(ITypeSymbol resultType)
    {
        var name = resultType.ToDisplayString(TypeFormat);
        return name.Contains("dynamic") ? System.Text.RegularExpressions.Regex.Replace(name, @"(?<![\w.:])dynamic\b", "object") : name;
    }

    /// <summary>The first enclosing type not declared partial in every declaration, or null.</summary>
    public static INamedTypeSymbol? FirstNonPartialType(IMethodSymbol method)
    {
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            var isPartial = type.DeclaringSyntaxReferences.Length > 0 && type.DeclaringSyntaxReferences.All(r =>
                r.GetSyntax() is TypeDeclarationSyntax declaration &&
                declaration.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)));
            if (!isPartial) return type;
        }
        return null;
    }

    /// <summary><c>DelayAddFuture</c>; overloads after the first get a number (<c>DelayAddFuture2</c>).</summary>
    public static string StructName(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        var overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Where(HasAttribute).ToList();
        return GeneratedNames.StructName(method.Name, overloads.IndexOf(method));
    }

    /// <summary>
    /// True when a base type declares a <c>[PollAsync]</c> method whose generated struct has the name of
    /// <paramref name="method"/>'s (an override's, typically): the nested struct hides it.
    /// </summary>
    public static bool HidesInheritedStruct(IMethodSymbol method)
    {
        var name = StructName(method);
        for (var type = method.ContainingType.BaseType; type is not null; type = type.BaseType)
            if (type.GetMembers(method.Name).OfType<IMethodSymbol>().Any(m => GetsStruct(m) && StructName(m) == name)) return true;
        return false;
    }

    /// <summary>
    /// True when <paramref name="method"/> overrides a <c>[PollAsync]</c> method: that method's factory has the same
    /// name and parameters, and the override's factory hides it.
    /// </summary>
    public static bool HidesInheritedFactory(IMethodSymbol method)
    {
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            if (GetsStruct(overridden)) return true;
        return false;
    }

    /// <summary>Whether <paramref name="type"/> is or is built from an anonymous type (<c>List&lt;anon&gt;</c>, <c>(int, anon)</c>, <c>anon[]</c>), which no generated code can name.</summary>
    public static bool MentionsAnonymousType(ITypeSymbol? type) => type switch
    {
        null => false,
        { IsAnonymousType: true, TypeKind: TypeKind.Class } => true,
        IArrayTypeSymbol array => MentionsAnonymousType(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(MentionsAnonymousType) || MentionsAnonymousType(named.ContainingType),
        _ => false,
    };

    /// <summary>Whether the type arguments of <paramref name="method"/> or of its containing types mention an anonymous type.</summary>
    public static bool HasAnonymousTypeArgument(IMethodSymbol method) =>
        method.TypeArguments.Any(MentionsAnonymousType) || MentionsAnonymousType(method.ContainingType);

    /// <summary>The factory has the method's own parameter list, so overload resolution picks it like the method.</summary>
    public static string FactoryName(IMethodSymbol method) => GeneratedNames.FactoryName(method.Name);

    /// <summary>The struct type as seen from anywhere: <c>global::N.Demo.DelayAddFuture&lt;int&gt;</c>.</summary>
    public static string StructTypeName(IMethodSymbol method)
    {
        var typeArguments = method.TypeArguments.Length == 0
            ? ""
            : "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(TypeFormat))) + ">";
        return method.ContainingType.ToDisplayString(TypeFormat) + "." + StructName(method) + typeArguments;
    }

    /// <summary>
    /// <c>FutureBox&lt;XFuture, T&gt;</c> (or <c>FutureBox&lt;XFuture&gt;</c>) and the method's own return type: the one
    /// allocation of a call that is not awaited in place. Type arguments may be type parameters of the caller.
    /// </summary>
    public static (string Box, string Future) BoxTypes(IMethodSymbol method)
    {
        var structType = StructTypeName(method);
        var future = method.ReturnType.ToDisplayString(TypeFormat);
        return TryGetResultType(method, out var resultType, out var returnsUnit) && !returnsUnit
            ? ($"global::AsyncGen.FutureBox<{structType}, {ResultTypeName(resultType!)}>", future)
            : ($"global::AsyncGen.FutureBox<{structType}>", future);
    }

    /// <summary>
    /// The first type of the method's signature (result, parameters, type arguments) that code outside the
    /// containing type cannot name, because it or a type enclosing it is private or protected; null when none.
    /// The machine of such a method is declared with the method's own accessibility, and its calls cannot be
    /// intercepted (an interceptor lives in a file class of its own namespace).
    /// </summary>
    public static ITypeSymbol? InaccessibleSignatureType(IMethodSymbol method) => FirstInSignature(method, IsHidden);

    /// <summary>
    /// The machine's and factory's accessibility: the method's own when its signature uses a type only the containing
    /// type can name (<see cref="InaccessibleSignatureType"/>); <c>internal</c> when it uses a type that is not public
    /// and the containing types are visible outside the assembly (a public struct's <c>Poll</c> returning
    /// <c>Poll&lt;Internal&gt;</c> is CS0050); null (the defaults) otherwise.
    /// </summary>
    public static string? MachineAccessibility(IMethodSymbol method) =>
        InaccessibleSignatureType(method) is not null ? AccessibilityKeyword(method.DeclaredAccessibility)
        : VisibleOutsideAssembly(method.ContainingType) && FirstInSignature(method, a => a is not Accessibility.Public) is not null ? "internal"
        : null;

    /// <summary>True when a member declared public in <paramref name="type"/> is visible outside the assembly (an internal container makes it internal anyway).</summary>
    private static bool VisibleOutsideAssembly(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal)) return false;
        return true;
    }

    private static ITypeSymbol? FirstInSignature(IMethodSymbol method, System.Func<Accessibility, bool> narrow)
    {
        if (TryGetResultType(method, out var result, out _) && result is not null && FirstNarrow(result, narrow) is { } inResult) return inResult;
        foreach (var parameter in method.Parameters)
            if (FirstNarrow(parameter.Type, narrow) is { } inParameter) return inParameter;
        foreach (var argument in method.TypeArguments)
            if (FirstNarrow(argument, narrow) is { } inArgument) return inArgument;
        return null;
    }

    private static ITypeSymbol? FirstNarrow(ITypeSymbol type, System.Func<Accessibility, bool> narrow)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return FirstNarrow(array.ElementType, narrow);
            case IPointerTypeSymbol pointer:
                return FirstNarrow(pointer.PointedAtType, narrow);
            case INamedTypeSymbol named:
                for (INamedTypeSymbol? current = named; current is not null; current = current.ContainingType)
                    if (narrow(current.DeclaredAccessibility)) return named.OriginalDefinition;
                foreach (var argument in named.TypeArguments)
                    if (FirstNarrow(argument, narrow) is { } inArgument) return inArgument;
                return null;
            default:
                return null;
        }
    }

    /// <summary>Private, protected or private protected: not nameable from a file class of another namespace.</summary>
    public static bool IsHidden(Accessibility accessibility) =>
        accessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal;

    /// <summary>The C# keyword of a declared accessibility, as a generated member repeats it.</summary>
    public static string AccessibilityKeyword(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.Internal => "internal",
        _ => "public",
    };

    /// <summary>The types enclosing generated members, outermost first, as partial declarations reopen them.</summary>
    public static IEnumerable<Model.ContainingTypeSpec> ContainingTypes(INamedTypeSymbol innermost)
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
            yield return new Model.ContainingTypeSpec(keyword, type.Name, typeParameters, "");
        }
    }

    /// <summary>A stable key shared by a method's machine and its call sites.</summary>
    public static string Key(IMethodSymbol method) => method.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
