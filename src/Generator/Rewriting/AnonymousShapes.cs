using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// Fields for values whose type mentions an anonymous type (<c>var p = new { Name = n, Count = 1 };</c>, a
/// <c>List&lt;anon&gt;</c> from <c>Select(x =&gt; new { ... })</c>, <c>(int, anon)</c>), which no field can name.
/// The field's type writes <c>object</c> in place of each anonymous type (<c>List&lt;object&gt;</c>,
/// <c>(int, object)</c>): every anonymous type is a class, and generic types instantiated over classes share one
/// layout, so the field holds the value as it is, without boxing or copying. Each use reinterprets the field as the
/// value's own type, which a <em>shape</em> gives back: an expression of that type that is never evaluated
/// (<c>false ? new { Name = default(string)!, Count = default(int) } : default!</c>), from which C# infers the type
/// argument of <c>AsAnonymous(ref _p, shape)</c>. The use is a variable of the exact type: members, assignments,
/// <c>ref</c>/<c>out</c> arguments and mutation of a struct work as on the local. A generic type built from an
/// anonymous type gets its shape from a helper of the machine (<c>AnonymousShape1&lt;T1&gt;(T1 arg1)</c> returning
/// <c>List&lt;T1&gt;</c>), which is never called either.
/// </summary>
internal sealed class AnonymousShapes
{
    private readonly Dictionary<string, string> _helpers = new();

    /// <summary>The helpers the shapes call (never at run time), in order of first use.</summary>
    public List<string> HelperDeclarations { get; } = new();

    /// <summary>Declarations of the helpers that create lambdas of delegate types built from anonymous types (<see cref="CreateLambda"/>).</summary>
    public List<string> LambdaCreators { get; } = new();

    /// <summary>
    /// A lambda of a delegate type built from an anonymous type (<c>Func&lt;string, anon&gt;</c>) created by the wrapper
    /// that gives it this iteration's variables (<c>l =&gt; new { Line = l, Order = order }</c> in a loop that awaits). No
    /// cast can name the type, so a helper infers it from the delegate's shape, never evaluated, and calls
    /// <paramref name="create"/> with the variables: <c>CreateLambda1(false ? AnonymousShape1(...) : default!, _order,
    /// (orderCopy) =&gt; l =&gt; new { Line = l, Order = orderCopy })</c>.
    /// </summary>
    public string CreateLambda(INamedTypeSymbol delegateType, SyntaxNode node, IReadOnlyList<string> values, string create)
    {
        var shape = Shape(delegateType, node);
        var helper = GeneratedNames.LambdaCreator(values.Count);
        if (!LambdaCreators.Any(d => d.Contains(" " + helper + "<")))
        {
            var parameters = Enumerable.Range(1, values.Count).Select(i => "T" + i.ToString(CultureInfo.InvariantCulture)).ToList();
            var arguments = string.Join(", ", parameters.Select(t => t + " " + t.ToLowerInvariant()));
            LambdaCreators.Add($"private static TDelegate {helper}<{string.Join(", ", parameters)}, TDelegate>(TDelegate shape, {arguments}, " +
                               $"global::System.Func<{string.Join(", ", parameters)}, TDelegate> create) => create({string.Join(", ", parameters.Select(t => t.ToLowerInvariant()))});");
        }
        return $"{helper}(false ? {shape} : default!, {string.Join(", ", values)}, {create})";
    }

    /// <summary>An expression tree lambda reads such a value: the machine declares <c>AnonymousValue</c>.</summary>
    public bool IsValueUsed { get; private set; }

    /// <summary>
    /// <paramref name="access"/> (an <see cref="Access"/> of a stored value) as an expression tree lambda reads it, where
    /// C# forbids the ref-returning <c>AsAnonymous</c> (CS8153): the same reinterpretation, returning the value. A tree
    /// cannot assign, so a copy is all it needs; it shows a call of the machine's helper where C#'s shows a field.
    /// </summary>
    public string InExpressionTree(string access)
    {
        var prefix = GeneratedNames.AsAnonymous + "(ref ";
        if (!access.StartsWith(prefix, System.StringComparison.Ordinal)) return access;
        IsValueUsed = true;
        return GeneratedNames.AnonymousValue + "(" + access.Substring(prefix.Length);
    }

    /// <summary>Some field holds a value of an anonymous type: the machine declares <c>AsAnonymous</c>.</summary>
    public bool IsUsed { get; private set; }

    /// <summary>
    /// True when <paramref name="type"/> is, or is built from, an anonymous type (a class: the delegate types C#
    /// synthesizes for lambdas are anonymous too, and <see cref="SynthesizedDelegates"/> stands for those).
    /// </summary>
    public static bool Mentions(ITypeSymbol? type) => PollAsyncShape.MentionsAnonymousType(type);

    /// <summary>The type of the field that holds a value of <paramref name="type"/>: <c>object</c> for each anonymous type.</summary>
    public static string StoredType(ITypeSymbol type) => type switch
    {
        { IsAnonymousType: true, TypeKind: TypeKind.Class } => "object",
        _ when !Mentions(type) => type.ToDisplayString(PollAsyncShape.TypeFormat),
        IArrayTypeSymbol array => StoredType(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]",
        INamedTypeSymbol { IsTupleType: true } tuple => "(" + string.Join(", ", tuple.TupleElements.Select(e => StoredType(e.Type))) + ")",
        INamedTypeSymbol named => Generic(named, StoredType),
        _ => type.ToDisplayString(PollAsyncShape.TypeFormat),
    };

    /// <summary>
    /// The variable of type <paramref name="type"/> stored in <paramref name="storage"/> (a field, a closure member or a
    /// parameter of <see cref="StoredType"/>): <paramref name="storage"/> itself when the type can be named.
    /// </summary>
    public string Access(string storage, ITypeSymbol type, SyntaxNode node)
    {
        if (!Mentions(type)) return storage;
        var shape = Shape(type, node);
        IsUsed = true;
        return $"{GeneratedNames.AsAnonymous}(ref {storage}, false ? {shape} : default!)";
    }

    /// <summary>An expression of type <paramref name="type"/>, written to be inferred from and never evaluated.</summary>
    private string Shape(ITypeSymbol type, SyntaxNode node)
    {
        // The delegate type C# synthesizes for a lambda (a default value, a ref or params parameter) cannot be
        // written, and the machine's stand-in for it (SynthesizedDelegates) is another type than the member's.
        if (type is INamedTypeSymbol { IsAnonymousType: true, TypeKind: TypeKind.Delegate })
            throw new UnsupportedConstructException(node, $"a value of an anonymous type with a member of a lambda's synthesized delegate type ('{type.ToDisplayString()}') kept across an await (declare a named delegate type for the member, such as 'delegate int Step(int x = 1);', and convert the lambda to it)");
        if (!Mentions(type))
            return $"default({type.ToDisplayString(PollAsyncShape.TypeFormat)})" + (type.IsValueType || type.NullableAnnotation == NullableAnnotation.Annotated ? "" : "!");
        switch (type)
        {
            case INamedTypeSymbol { IsAnonymousType: true } anonymous:
                var members = anonymous.GetMembers().OfType<IPropertySymbol>()
                    .Select(p => GeneratedNames.Escaped(p.Name) + " = " + Shape(p.Type, node));
                return "new { " + string.Join(", ", members) + " }";
            case IArrayTypeSymbol { Rank: 1 } array:
                return "new[] { " + Shape(array.ElementType, node) + " }";
            case IArrayTypeSymbol array:
                var element = Shape(array.ElementType, node);
                for (var i = 0; i < array.Rank; i++) element = "{ " + element + " }";
                return "new[" + new string(',', array.Rank - 1) + "] " + element;
            case INamedTypeSymbol { IsTupleType: true } tuple when tuple.TupleElements.Length > 1:
                return "(" + string.Join(", ", tuple.TupleElements.Select(e =>
                    (e.IsExplicitlyNamedTupleElement ? GeneratedNames.Escaped(e.Name) + ": " : "") + Shape(e.Type, node))) + ")";
            case INamedTypeSymbol named:
                return Helper(named, node);
            default:
                throw new UnsupportedConstructException(node, $"a value of type '{type.ToDisplayString()}' kept across an await");
        }
    }

    /// <summary>
    /// A call of the helper whose return type is <paramref name="named"/> with a type parameter for each type argument
    /// built from an anonymous type, which the shapes of those arguments infer.
    /// </summary>
    private string Helper(INamedTypeSymbol named, SyntaxNode node)
    {
        var parameters = new List<(ITypeParameterSymbol Parameter, ITypeSymbol Argument)>();
        for (var type = named; type is not null; type = type.ContainingType)
            for (var i = type.TypeArguments.Length - 1; i >= 0; i--)
                if (Mentions(type.TypeArguments[i]))
                    parameters.Insert(0, (type.TypeParameters[i], type.TypeArguments[i]));
        var names = new Dictionary<ITypeSymbol, string>(SymbolEqualityComparer.IncludeNullability);
        var arguments = new List<ITypeSymbol>();
        var typeParameters = new List<string>();
        var constraints = new List<string>();
        foreach (var (parameter, argument) in parameters)
        {
            if (names.ContainsKey(argument)) continue;
            var name = "T" + (names.Count + 1).ToString(CultureInfo.InvariantCulture);
            names[argument] = name;
            arguments.Add(argument);
            typeParameters.Add(name);
            if (parameter.ConstraintTypes.Length > 0 || parameter.HasConstructorConstraint || parameter.HasUnmanagedTypeConstraint)
                throw new UnsupportedConstructException(node, $"a value of type '{named.ToDisplayString()}' kept across an await: its type parameter '{parameter.Name}' has a constraint the machine cannot repeat for an anonymous type argument (keep the value in a type you declare, such as a record)");
            var kinds = new List<string>();
            if (parameter.HasReferenceTypeConstraint) kinds.Add("class");
            if (parameter.HasValueTypeConstraint) kinds.Add("struct");
            if (parameter.HasNotNullConstraint) kinds.Add("notnull");
            if (kinds.Count > 0) constraints.Add($" where {name} : {string.Join(", ", kinds)}");
        }
        var returnType = Generic(named, t => names.TryGetValue(t, out var n) ? n : t.ToDisplayString(PollAsyncShape.TypeFormat));
        var signature = $"<{string.Join(", ", typeParameters)}>({string.Join(", ", typeParameters.Select(t => t + " " + t.ToLowerInvariant()))}){string.Concat(constraints)}";
        var key = returnType + " " + signature;
        if (!_helpers.TryGetValue(key, out var helper))
        {
            helper = GeneratedNames.AnonymousShape(_helpers.Count + 1);
            _helpers[key] = helper;
            HelperDeclarations.Add($"private static {returnType} {helper}{signature} => throw null!;");
        }
        return helper + "(" + string.Join(", ", arguments.Select(a => Shape(a, node))) + ")";
    }

    /// <summary><paramref name="named"/> written with each type argument as <paramref name="argument"/> writes it.</summary>
    private static string Generic(INamedTypeSymbol named, System.Func<ITypeSymbol, string> argument)
    {
        var prefix = named.ContainingType is { } containing
            ? Generic(containing, argument) + "."
            : named.ContainingNamespace is { IsGlobalNamespace: false } ns ? "global::" + ns.ToDisplayString() + "." : "global::";
        var arguments = named.TypeArguments.Length == 0 ? "" : "<" + string.Join(", ", named.TypeArguments.Select(argument)) + ">";
        return prefix + GeneratedNames.Escaped(named.Name) + arguments;
    }
}
