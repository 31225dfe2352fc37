using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// The helpers through which the machine reaches the base class's members (<c>base.M()</c>, <c>base.P</c>,
/// <c>base[i]</c>, <c>base.E += h</c>): the machine is a struct of its own, where <c>base</c> means nothing, so each
/// base member the body uses gets a private member of the user's partial type that makes the non-virtual call
/// (<c>__RunFuture_base_Describe(x) => base.Describe(x)</c>), as Roslyn compiles a <c>base.</c> call in a lambda or an
/// async method through a hidden <c>&lt;&gt;n__0</c> method. The machine calls the helper on its <c>this</c>.
/// </summary>
/// <remarks>The names carry the struct's name, as the primary-constructor accessors do: two machines of one type may
/// each need a helper for the same member. Overloads get numbered names, so each call binds to the helper of the
/// overload C# chose, whatever the other helpers are.</remarks>
internal sealed class BaseAccessors(string structName, INamedTypeSymbol containingType, Compilation compilation)
{
    private readonly Dictionary<(ISymbol Member, string Kind), string> _names = new();
    private readonly HashSet<string> _taken = new();

    /// <summary>The helpers' declarations, emitted in the user's partial type.</summary>
    public List<string> Declarations { get; } = new();

    /// <summary>The helper calling base method <paramref name="method"/> (or, with <paramref name="factory"/>, the factory of its machine).</summary>
    public string Method(IMethodSymbol method, SyntaxNode node, bool factory = false)
    {
        var definition = method.ConstructedFrom;
        var member = factory ? PollAsyncShape.FactoryName(definition) : definition.Name;
        return Helper(definition, factory ? "factory" : "method", member, node, name =>
        {
            var clash = definition.TypeParameters.FirstOrDefault(t => OuterTypeParameters().Contains(t.Name));
            if (clash is not null)
                throw new UnsupportedConstructException(node, $"'base.{definition.Name}', whose type parameter '{clash.Name}' has the name of a type parameter of the type (call it from a method of the type and call that method)");
            var typeParameters = definition.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", definition.TypeParameters.Select(t => t.Name)) + ">";
            var returns = factory
                ? PollAsyncShape.StructTypeName(definition)
                : RefKind(definition.RefKind) + (definition.ReturnsVoid ? "void" : Type(definition.ReturnType));
            var byRef = !factory && definition.RefKind != Microsoft.CodeAnalysis.RefKind.None ? "ref " : "";
            var arguments = string.Join(", ", definition.Parameters.Select(Argument));
            return $"private {returns} {name}{typeParameters}({Parameters(definition.Parameters, node)}){Constraints(definition.TypeParameters)} => {byRef}base.{GeneratedNames.Escaped(member)}{typeParameters}({arguments});";
        });
    }

    /// <summary>The helper property standing for base property or field <paramref name="member"/> (a field through a ref).</summary>
    public string Property(ISymbol member, SyntaxNode node) =>
        Helper(member, "property", member.Name, node, name =>
        {
            var access = "base." + GeneratedNames.Escaped(member.Name);
            switch (member)
            {
                case IFieldSymbol field:
                    var readOnly = field.IsReadOnly ? "ref readonly " : "ref ";
                    return $"private {readOnly}{Type(field.Type)} {name} => ref {access};";
                case IPropertySymbol { RefKind: not Microsoft.CodeAnalysis.RefKind.None } byRef:
                    return $"private {RefKind(byRef.RefKind)}{Type(byRef.Type)} {name} => ref {access};";
                case IPropertySymbol property:
                    // Only the accessors the type may call: 'base.P' read where the base's setter is private is valid
                    // C#, and a helper stating that setter would not compile.
                    var accessors = new List<string>();
                    if (Accessible(property.GetMethod)) accessors.Add($"get => {access};");
                    if (property.SetMethod is { IsInitOnly: false } && Accessible(property.SetMethod)) accessors.Add($"set => {access} = value;");
                    return $"private {Type(property.Type)} {name} {{ {string.Join(" ", accessors)} }}";
                default:
                    throw new UnsupportedConstructException(node, $"'base.{member.Name}' (a {member.Kind} of the base class)");
            }
        });

    /// <summary>The helper event standing for base event <paramref name="event"/>.</summary>
    public string Event(IEventSymbol @event, SyntaxNode node) =>
        Helper(@event, "event", @event.Name, node, name =>
        {
            var access = "base." + GeneratedNames.Escaped(@event.Name);
            return $"private event {Type(@event.Type)} {name} {{ [global::System.Diagnostics.DebuggerHidden] add => {access} += value; [global::System.Diagnostics.DebuggerHidden] remove => {access} -= value; }}";
        });

    /// <summary>The helper reading base indexer <paramref name="indexer"/> (by reference when it returns one).</summary>
    public string IndexerGet(IPropertySymbol indexer, SyntaxNode node) =>
        Helper(indexer, "get", "Item", node, name =>
        {
            var byRef = indexer.RefKind != Microsoft.CodeAnalysis.RefKind.None ? "ref " : "";
            return $"private {RefKind(indexer.RefKind)}{Type(indexer.Type)} {name}({Parameters(indexer.Parameters, node)}) => {byRef}base[{string.Join(", ", indexer.Parameters.Select(Argument))}];";
        });

    /// <summary>
    /// The helper writing base indexer <paramref name="indexer"/>: its arguments, then the value, which every call
    /// passes by name (<see cref="BodyRewriter.BaseIndexerWrite"/>), after indices positional or named, as C# evaluates
    /// them. The value takes a default when an index does, as no required parameter may follow an optional one; no C#
    /// indexer parameter can be called <c>value</c> (CS0316).
    /// </summary>
    public string IndexerSet(IPropertySymbol indexer, SyntaxNode node) =>
        Helper(indexer, "set", "set_Item", node, name =>
        {
            if (indexer.Parameters.Any(p => p.IsParams))
                throw new UnsupportedConstructException(node, "an assignment of a base indexer with a 'params' parameter (call a method of the type that assigns 'base[...]')");
            var valueDefault = indexer.Parameters.Any(p => p.IsOptional) ? " = default!" : "";
            return $"private void {name}({Parameters(indexer.Parameters, node)}, {Type(indexer.Type)} value{valueDefault}) => base[{string.Join(", ", indexer.Parameters.Select(Argument))}] = value;";
        });

    private string Helper(ISymbol member, string kind, string memberName, SyntaxNode node, System.Func<string, string> declare)
    {
        if (member.IsStatic)
            throw new UnsupportedConstructException(node, $"'base.{member.Name}' of a static member (name its type instead of 'base')");
        if (_names.TryGetValue((member, kind), out var existing)) return existing;
        var stem = "__" + structName + "_base_" + memberName.TrimStart('@');
        var name = stem;
        for (var n = 2; !_taken.Add(name); n++) name = stem + n.ToString(CultureInfo.InvariantCulture);
        // An event's accessors carry it (DebuggerHidden does not apply to events). One line each, for the emitter.
        Declarations.Add((kind == "event" ? "" : "[global::System.Diagnostics.DebuggerHidden]\n") + declare(name));
        _names[(member, kind)] = name;
        return name;
    }

    private bool Accessible(IMethodSymbol? accessor) =>
        accessor is not null && compilation.IsSymbolAccessibleWithin(accessor, containingType, throughType: containingType);

    private IEnumerable<string> OuterTypeParameters()
    {
        for (var type = containingType; type is not null; type = type.ContainingType)
            foreach (var parameter in type.TypeParameters)
                yield return parameter.Name;
    }

    /// <summary>The base method's constraints, which a method that is no override must state again.</summary>
    private static string Constraints(IEnumerable<ITypeParameterSymbol> typeParameters)
    {
        var clauses = new List<string>();
        foreach (var parameter in typeParameters)
        {
            var kinds = new List<string>();
            if (parameter.HasUnmanagedTypeConstraint) kinds.Add("unmanaged");
            else if (parameter.HasValueTypeConstraint) kinds.Add("struct");
            else if (parameter.HasReferenceTypeConstraint)
                kinds.Add(parameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
            else if (parameter.HasNotNullConstraint) kinds.Add("notnull");
            kinds.AddRange(parameter.ConstraintTypes.Select(Type));
            if (parameter.HasConstructorConstraint && !parameter.HasValueTypeConstraint) kinds.Add("new()");
            if (parameter.AllowsRefLikeType) kinds.Add("allows ref struct");
            if (kinds.Count > 0) clauses.Add($" where {parameter.Name} : {string.Join(", ", kinds)}");
        }
        return string.Concat(clauses);
    }

    private static string Type(ITypeSymbol type) => type.ToDisplayString(PollAsyncShape.TypeFormat);

    private static string RefKind(RefKind kind) => kind switch
    {
        Microsoft.CodeAnalysis.RefKind.Ref => "ref ",
        Microsoft.CodeAnalysis.RefKind.RefReadOnly => "ref readonly ",
        _ => "",
    };

    private static string Parameters(IEnumerable<IParameterSymbol> parameters, SyntaxNode node) =>
        string.Join(", ", parameters.Select(p =>
            HandlerArgument(p) +
            (p.ScopedKind == ScopedKind.ScopedRef || p.ScopedKind == ScopedKind.ScopedValue ? "scoped " : "") +
            p.RefKind switch
            {
                Microsoft.CodeAnalysis.RefKind.Ref => "ref ",
                Microsoft.CodeAnalysis.RefKind.Out => "out ",
                Microsoft.CodeAnalysis.RefKind.In => "in ",
                Microsoft.CodeAnalysis.RefKind.RefReadOnlyParameter => "ref readonly ",
                _ => "",
            } +
            (p.IsParams ? "params " : "") + Type(p.Type) + " " + GeneratedNames.Escaped(p.Name) + Default(p, node)));

    /// <summary>
    /// The parameter's <c>[InterpolatedStringHandlerArgument]</c>, which decides how C# builds a handler argument: the
    /// helper's parameters have the base's names, and its receiver is the same object, so the handler binds as in the
    /// base call (without it, a handler taking the receiver does not bind, or binds another constructor).
    /// </summary>
    private static string HandlerArgument(IParameterSymbol parameter)
    {
        var attribute = parameter.GetAttributes().FirstOrDefault(a =>
            a.AttributeClass?.ToDisplayString() == "System.Runtime.CompilerServices.InterpolatedStringHandlerArgumentAttribute");
        if (attribute is null) return "";
        var names = attribute.ConstructorArguments.SelectMany(a => a.Kind == TypedConstantKind.Array ? a.Values : System.Collections.Immutable.ImmutableArray.Create(a))
            .Select(a => a.Value is string name ? SymbolDisplay.FormatLiteral(name, quote: true) : "null");
        return $"[global::System.Runtime.CompilerServices.InterpolatedStringHandlerArgument({string.Join(", ", names)})] ";
    }

    private static string Argument(IParameterSymbol parameter) =>
        parameter.RefKind switch
        {
            Microsoft.CodeAnalysis.RefKind.Ref => "ref ",
            Microsoft.CodeAnalysis.RefKind.Out => "out ",
            Microsoft.CodeAnalysis.RefKind.In or Microsoft.CodeAnalysis.RefKind.RefReadOnlyParameter => "in ",
            _ => "",
        } + GeneratedNames.Escaped(parameter.Name);

    /// <summary>The parameter's default value, written as a constant of its type, so a call omitting it binds as the base call does.</summary>
    private static string Default(IParameterSymbol parameter, SyntaxNode node)
    {
        if (!parameter.HasExplicitDefaultValue)
            return parameter.IsOptional
                ? throw new UnsupportedConstructException(node, $"a base method whose parameter '{parameter.Name}' is [Optional] without a default value (call it from a method of the type and call that method)")
                : "";
        var value = parameter.ExplicitDefaultValue;
        if (value is null) return " = default";
        var type = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : parameter.Type;
        var literal = value switch
        {
            string text => SymbolDisplay.FormatLiteral(text, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            bool b => b ? "true" : "false",
            double.NaN => "double.NaN",
            float.NaN => "float.NaN",
            double d when double.IsInfinity(d) => d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity",
            float f when float.IsInfinity(f) => f > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity",
            double d => d.ToString("R", CultureInfo.InvariantCulture) + "d",
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
            ulong u => u.ToString(CultureInfo.InvariantCulture) + "UL",
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "m",
            System.IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => throw new UnsupportedConstructException(node, $"a base method whose parameter '{parameter.Name}' has a default value the generator cannot write (call it from a method of the type and call that method)"),
        };
        // A constant converts implicitly to a numeric parameter type; an enum's value needs the cast.
        return type.TypeKind == TypeKind.Enum ? $" = ({Type(type)})({literal})" : " = " + literal;
    }
}
