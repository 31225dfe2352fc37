using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using AsyncGen.Generator.Model;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>Sorts awaited expressions into the three kinds of <see cref="AwaitKind"/>.</summary>
internal static class AwaitClassifier
{
    public static AwaitShape Classify(SemanticModel model, IMethodSymbol caller, AwaitExpressionSyntax await)
    {
        var info = model.GetAwaitExpressionInfo(await);
        // `await d` with d dynamic: C# binds GetAwaiter, IsCompleted and GetResult at run time, and so does the
        // machine (its awaiter field is dynamic); the result is dynamic too.
        if (info.IsDynamic) return new AwaitShape(AwaitKind.Awaiter, GeneratedNames.DynamicType, GeneratedNames.DynamicType, null);
        var resultType = info.GetResultMethod?.ReturnType is { SpecialType: not SpecialType.System_Void } result
            ? AnonymousShapes.Mentions(result) ? AnonymousShapes.StoredType(result) : TypeName(result, await)
            : null;

        if (await.Expression is InvocationExpressionSyntax invocation &&
            model.GetSymbolInfo(invocation).Symbol is IMethodSymbol callee && PollAsyncShape.GetsStruct(callee) &&
            !PollAsyncShape.DispatchesVirtually(callee, invocation, model) &&
            !Embeds(model.Compilation, callee, caller, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default)))
        {
            // Its machine, `LaterFuture<anon>`, would be a field no code can declare.
            if (PollAsyncShape.HasAnonymousTypeArgument(callee))
                throw new UnsupportedConstructException(await,
                    $"an await of the [PollAsync] method '{callee.Name}' with an anonymous type argument (its machine's type cannot be named: pass a type you declare, such as a record)");
            return new AwaitShape(AwaitKind.StructFuture, PollAsyncShape.StructTypeName(callee), resultType, callee);
        }

        var type = model.GetTypeInfo(await.Expression).Type;
        if (type is not null && IsFuture(type) && AnonymousShapes.Mentions(type))
            return new AwaitShape(type.IsValueType ? AwaitKind.StructFuture : AwaitKind.ClassFuture, AnonymousShapes.StoredType(type), resultType, null, type);
        if (type is not null && IsFuture(type))
        {
            return type.IsValueType
                ? new AwaitShape(AwaitKind.StructFuture, TypeName(type, await), resultType, null)
                : new AwaitShape(AwaitKind.ClassFuture, TypeName(type, await) + (type.NullableAnnotation == NullableAnnotation.Annotated ? "" : "?"), resultType, null);
        }

        if (info.GetAwaiterMethod?.ReturnType is not { } awaiter)
            throw new UnsupportedConstructException(await, "an await whose awaiter the generator cannot find");
        if (AnonymousShapes.Mentions(awaiter))
            return new AwaitShape(AwaitKind.Awaiter, AnonymousShapes.StoredType(awaiter), resultType, null, awaiter);
        return new AwaitShape(AwaitKind.Awaiter, TypeName(awaiter, await), resultType, null);
    }

    /// <summary>
    /// True when <paramref name="callee"/>'s machine would contain <paramref name="caller"/>'s by value (recursion):
    /// a struct cannot contain itself, so such a call is awaited as a boxed future instead, like Rust's Box::pin.
    /// </summary>
    private static bool Embeds(Compilation compilation, IMethodSymbol callee, IMethodSymbol caller, HashSet<IMethodSymbol> visited)
    {
        callee = callee.OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(callee, caller.OriginalDefinition)) return true;
        if (!visited.Add(callee) || visited.Count > 64) return false;
        foreach (var next in EmbeddedCallees(compilation, callee))
        {
            if (Embeds(compilation, next, caller, visited)) return true;
        }
        return false;
    }

    // Per compilation, the [PollAsync] callees each method embeds. Every machine's recursion check walks this graph;
    // remembering the edges binds each callee's body once per compilation instead of once per caller (a chain of n
    // methods cost O(n²) body bindings: seconds for 1,000 methods). Weak, so it dies with its compilation.
    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<ISymbol, ImmutableArray<IMethodSymbol>>> s_embeddedCallees = new();

    private static ImmutableArray<IMethodSymbol> EmbeddedCallees(Compilation compilation, IMethodSymbol method) =>
        s_embeddedCallees
            .GetValue(compilation, static _ => new ConcurrentDictionary<ISymbol, ImmutableArray<IMethodSymbol>>(SymbolEqualityComparer.Default))
            .GetOrAdd(method, _ => FindEmbeddedCallees(compilation, method));

    private static ImmutableArray<IMethodSymbol> FindEmbeddedCallees(Compilation compilation, IMethodSymbol method)
    {
        var callees = ImmutableArray.CreateBuilder<IMethodSymbol>();
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var body = reference.GetSyntax();
            var model = compilation.GetSemanticModel(body.SyntaxTree);
            foreach (var nested in BodySyntax.OwnAwaits(body).OfType<AwaitExpressionSyntax>())
            {
                if (nested.Expression is InvocationExpressionSyntax invocation &&
                    model.GetSymbolInfo(invocation).Symbol is IMethodSymbol next && PollAsyncShape.GetsStruct(next) &&
                    !PollAsyncShape.DispatchesVirtually(next, invocation, model))
                    callees.Add(next);
            }
        }
        return callees.ToImmutable();
    }

    /// <summary>
    /// True when the awaited future has a <c>bool CancelInPlace()</c> of its own to call directly: an embedded
    /// <c>[PollAsync]</c> machine (generated, so not in the compilation yet), or a future type declaring one (or
    /// inheriting it: every <c>Future&lt;T&gt;</c>). Other futures are disposed; the interface's default would box a struct.
    /// </summary>
    public static bool CancelsInPlace(AwaitShape shape, ITypeSymbol? type)
    {
        if (shape.Kind == AwaitKind.Awaiter) return false;
        if (shape.EmbeddedMachine is not null) return true;
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers("CancelInPlace").OfType<IMethodSymbol>().Any(m =>
                    m is { IsStatic: false, Parameters.Length: 0, DeclaredAccessibility: Accessibility.Public, ReturnType.SpecialType: SpecialType.System_Boolean }))
                return true;
        }
        return false;
    }

    /// <summary>Implements <c>AsyncGen.IFuture&lt;T&gt;</c> (or is it).</summary>
    public static bool IsFuture(ITypeSymbol type) =>
        IsFutureInterface(type) || type.AllInterfaces.Any(IsFutureInterface);

    private static bool IsFutureInterface(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "IFuture", Arity: 1, ContainingNamespace: { Name: "AsyncGen", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>The fully qualified name of a type the machine stores in a field; unnameable types are unsupported.</summary>
    public static string TypeName(ITypeSymbol type, SyntaxNode node)
    {
        if (type.IsRefLikeType)
            throw new RefLikeAcrossAwaitException(node, node.ToString(), type.ToDisplayString());
        return WrittenTypeName(type, node);
    }

    /// <summary>
    /// The fully qualified name of a type written in a statement but never stored (the target of a collection
    /// expression, <c>ReadOnlySpan&lt;int&gt; span = [await x, 5];</c>): a ref struct is fine there, as in C#.
    /// </summary>
    public static string WrittenTypeName(ITypeSymbol type, SyntaxNode node)
    {
        if (type is { IsAnonymousType: true, TypeKind: TypeKind.Delegate })
            throw new UnsupportedConstructException(node, "a lambda of a delegate type C# synthesizes (default parameter values, a ref return, ref/out/in/params/scoped parameters) kept across an await in a 'var' local: no field can name its type (declare a named delegate type, such as 'delegate int Step(int x = 1);', and declare the local with it instead of 'var')");
        if (type.IsAnonymousType || type.TypeKind == TypeKind.Error ||
            type is INamedTypeSymbol named && named.TypeArguments.Any(t => t.IsAnonymousType))
            throw new UnsupportedConstructException(node, $"a value of type '{type.ToDisplayString()}' kept across an await");
        return type.ToDisplayString(PollAsyncShape.TypeFormat);
    }
}
