using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// The property reads that the patterns of a switch share across an awaiting guard. C#'s decision DAG reads each
/// property of the switched value once, the first time a label needs it, and the labels after a guard that failed
/// test what was read before it, even if the guard (or another task, during its suspension) changed the property. A
/// flattened switch tests its labels in parts (a C# switch of the labels before a guard, the guard's label, a C#
/// switch of the labels after it), so a property that two such parts read is read once into a field
/// (<c>_readV</c>, with <c>_hasReadV</c> saying it was read in this run of the switch) and every such label reads it
/// through <c>(_hasReadV ? _readV : Remember(out _hasReadV, out _readV, __in1.V))</c>: the first read, wherever it
/// happens, is the one C# makes. Those labels are tested as conditions (<c>_switch is Box __in1 &amp;&amp; ...</c>),
/// reading the other properties as C# would, in the order written (C#'s DAG may skip an <c>or</c> alternative whose
/// answer it knows already); a label tested so leaves its neighbours' C# switch, so what it shares with them is read
/// once too (<see cref="Plan"/>). Deconstruction (<c>(1, _)</c>) and the length and items of list patterns are read
/// again: a recursive pattern with a positional part keeps its own reads; so is a ref struct on a path (it cannot be
/// a field), the properties read from it are read once.
/// </summary>
internal sealed class PatternReads
{
    private readonly SemanticModel _model;
    private readonly BodyRewriter _rewriter;
    private readonly Dictionary<string, (string Value, string Read)> _shared = new();

    private PatternReads(SemanticModel model, BodyRewriter rewriter)
    {
        _model = model;
        _rewriter = rewriter;
    }

    /// <summary>The statements that start each run of the switch: no property is read yet.</summary>
    public IEnumerable<string> Resets => _shared.Values.Select(s => $"{s.Read} = false;");

    public bool IsEmpty => _shared.Count == 0;

    /// <summary>
    /// Plans the shared reads of a switch's labels, in source order (a null pattern for <c>default</c> or a constant
    /// label; <paramref name="awaits"/> true for a label whose guard awaits; <paramref name="eachApart"/> true when
    /// every label is tested on its own, as the arms of a switch expression are). <paramref name="newField"/> adds a field
    /// of a type for a node and returns how code reads it.
    /// </summary>
    public static PatternReads Plan(SemanticModel model, BodyRewriter rewriter, IReadOnlyList<PatternSyntax?> patterns, IReadOnlyList<bool> awaits,
        bool eachApart, System.Func<string, ITypeSymbol?, SyntaxNode, string, string> newField)
    {
        var reads = new PatternReads(model, rewriter);
        if (!awaits.Any(a => a)) return reads;
        var sites = patterns.Select(p => p is null ? new List<Site>() : reads.Sites(p, "").ToList()).ToList();
        // A label is tested in one of two ways: in a C# switch with the labels next to it (whose DAG reads each
        // property once for all of them), or on its own as a condition (an awaiting guard's label, or one that reads
        // a shared property), which reads each property it names. So a property that two such units read, or that
        // a condition reads twice, is read more often than C# reads it, unless it is shared; sharing a property
        // makes more labels conditions, so the plan grows until it no longer changes.
        var shared = new HashSet<string>();
        for (var changed = true; changed;)
        {
            changed = false;
            var units = new Dictionary<string, int>();
            HashSet<string>? run = null;
            for (var k = 0; k < patterns.Count; k++)
            {
                if (eachApart || awaits[k] || sites[k].Any(s => shared.Contains(s.Key)))
                {
                    run = null;
                    foreach (var site in sites[k]) units[site.Key] = units.TryGetValue(site.Key, out var n) ? n + 1 : 1;
                    continue;
                }
                if (run is null) run = new HashSet<string>();
                foreach (var site in sites[k])
                    if (run.Add(site.Key)) units[site.Key] = units.TryGetValue(site.Key, out var n) ? n + 1 : 1;
            }
            // A ref struct cannot be kept in a field (nor can a pointer): its path is read again (README, "Awaiting guards").
            foreach (var site in sites.SelectMany(s => s))
                if (units[site.Key] > 1 && site.Type is not { IsRefLikeType: true } and not IPointerTypeSymbol && shared.Add(site.Key))
                    changed = true;
        }
        foreach (var site in sites.SelectMany(s => s))
        {
            if (!shared.Contains(site.Key) || reads._shared.ContainsKey(site.Key)) continue;
            var name = site.Member.Name;
            var value = newField("read" + name, site.Type, site.Node, $"'{name}' of the switched value, read once for the labels around an awaiting guard (as C# does)");
            var read = newField("hasRead" + name, null, site.Node, $"whether {value} holds this run's read of '{name}'");
            reads._shared.Add(site.Key, (value, read));
        }
        return reads;
    }

    /// <summary>True when the label at <paramref name="pattern"/> reads a shared property, so it must be tested as a condition.</summary>
    public bool Reads(PatternSyntax pattern) => Sites(pattern, "").Any(s => _shared.ContainsKey(s.Key));

    /// <summary>
    /// <c>operand is pattern</c> as a condition that reads the shared properties through their fields, storing the
    /// pattern's variables that live in fields like <see cref="BodyRewriter.IsPattern"/>.
    /// </summary>
    public string Test(string operand, PatternSyntax pattern) => Test(operand, pattern, "");

    private string Test(string operand, PatternSyntax pattern, string prefix)
    {
        if (!Sites(pattern, prefix).Any(s => _shared.ContainsKey(s.Key)))
            return _rewriter.IsPattern(operand, pattern);
        switch (pattern)
        {
            case ParenthesizedPatternSyntax parenthesized:
                return Test(operand, parenthesized.Pattern, prefix);
            case BinaryPatternSyntax binary:
                var op = binary.IsKind(SyntaxKind.AndPattern) ? " && " : " || ";
                return "(" + Test(operand, binary.Left, prefix) + op + Test(operand, binary.Right, prefix) + ")";
            case UnaryPatternSyntax not:
                return "!(" + Test(operand, not.Pattern, prefix) + ")";
            case RecursivePatternSyntax recursive:
                return TestRecursive(operand, recursive, prefix);
            default:
                return _rewriter.IsPattern(operand, pattern);
        }
    }

    /// <summary>
    /// <c>operand is T t &amp;&amp; (read of P1) is p1 &amp;&amp; ...</c>: the type test (or null test) of <c>T { P1: p1, ... } t</c>, then
    /// each property in the order written, a shared one through its field.
    /// </summary>
    private string TestRecursive(string operand, RecursivePatternSyntax recursive, string prefix)
    {
        var type = Narrowed(recursive);
        var typeName = AwaitClassifier.TypeName(type, recursive);
        string input;
        var parts = new List<string>();
        if (recursive.Designation is SingleVariableDesignationSyntax designation)
        {
            input = _rewriter.Rewrite(designation);
            parts.Add($"{operand} is {typeName} {input}{_rewriter.StoreOf(designation)}");
        }
        else
        {
            input = NewTemp();
            parts.Add($"{operand} is {typeName} {input}");
        }
        foreach (var subpattern in recursive.PropertyPatternClause!.Subpatterns)
        {
            var key = prefix + "|" + KeyOf(type);
            var value = input;
            var segments = Segments(subpattern).ToList();
            for (var i = 0; i < segments.Count; i++)
            {
                var (name, member, _) = segments[i];
                key += "." + member.Name;
                var read = value + "." + name.ToString();
                value = _shared.TryGetValue(key, out var field)
                    ? $"({field.Read} ? {field.Value} : {GeneratedNames.Remember}(out {field.Read}, out {field.Value}, {read}))"
                    : read;
                if (i == segments.Count - 1) break;
                // `{ A.B: p }` is `{ A: { B: p } }`: A is tested for null before B is read.
                var next = NewTemp();
                parts.Add($"{value} is {{}} {next}");
                value = next;
                key += "|" + KeyOf(MemberType(member));
            }
            if (subpattern.Pattern is not DiscardPatternSyntax)
                parts.Add(Test(value, subpattern.Pattern, key));
        }
        UsesRemember = true;
        // No parentheses: '&&' binds tighter than the '||' and '!(...)' around it.
        return string.Join(" && ", parts);
    }

    /// <summary>True once a condition reads a shared property (the machine declares the <c>Remember</c> helper).</summary>
    public bool UsesRemember { get; private set; }

    private string NewTemp() => "__in" + (++_rewriter.PatternTemps).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A property read by a pattern: its key (the path from the switched value, with the types tested on the way), member and type.</summary>
    private readonly record struct Site(string Key, ISymbol Member, ITypeSymbol? Type, SyntaxNode Node);

    /// <summary>The property reads of <paramref name="pattern"/> reached without deconstruction or list patterns.</summary>
    private IEnumerable<Site> Sites(PatternSyntax pattern, string prefix)
    {
        switch (pattern)
        {
            case ParenthesizedPatternSyntax parenthesized:
                foreach (var site in Sites(parenthesized.Pattern, prefix)) yield return site;
                break;
            case BinaryPatternSyntax binary:
                foreach (var site in Sites(binary.Left, prefix).Concat(Sites(binary.Right, prefix))) yield return site;
                break;
            case UnaryPatternSyntax not:
                foreach (var site in Sites(not.Pattern, prefix)) yield return site;
                break;
            case RecursivePatternSyntax { PositionalPatternClause: null, PropertyPatternClause: { } properties } recursive:
                var type = Narrowed(recursive);
                foreach (var subpattern in properties.Subpatterns)
                {
                    var key = prefix + "|" + KeyOf(type);
                    var segments = Segments(subpattern).ToList();
                    if (segments.Count == 0) yield break; // an error C# reports
                    for (var i = 0; i < segments.Count; i++)
                    {
                        var (_, member, memberType) = segments[i];
                        key += "." + member.Name;
                        yield return new Site(key, member, memberType, subpattern);
                        if (i < segments.Count - 1) key += "|" + KeyOf(memberType);
                    }
                    foreach (var site in Sites(subpattern.Pattern, key)) yield return site;
                }
                break;
        }
    }

    /// <summary>The type a recursive pattern tests for: its type, or the input's (a nullable value type's underlying type).</summary>
    private ITypeSymbol Narrowed(RecursivePatternSyntax recursive)
    {
        var info = _model.GetTypeInfo(recursive);
        return info.ConvertedType ?? info.Type ?? throw new UnsupportedConstructException(recursive, "a property pattern without a type");
    }

    /// <summary>The members a subpattern reads, outermost first: <c>V</c>, or <c>A</c> then <c>B</c> for <c>A.B</c>.</summary>
    private IEnumerable<(SimpleNameSyntax Name, ISymbol Member, ITypeSymbol? Type)> Segments(SubpatternSyntax subpattern)
    {
        var names = new List<SimpleNameSyntax>();
        if (subpattern.NameColon is { } nameColon) names.Add(nameColon.Name);
        else if (subpattern.ExpressionColon is { } expressionColon)
        {
            var expression = expressionColon.Expression;
            while (expression is MemberAccessExpressionSyntax access)
            {
                names.Insert(0, access.Name);
                expression = access.Expression;
            }
            if (expression is not SimpleNameSyntax simple) return Enumerable.Empty<(SimpleNameSyntax, ISymbol, ITypeSymbol?)>();
            names.Insert(0, simple);
        }
        var segments = new List<(SimpleNameSyntax, ISymbol, ITypeSymbol?)>();
        foreach (var name in names)
        {
            if (_model.GetSymbolInfo(name).Symbol is not { } member) return Enumerable.Empty<(SimpleNameSyntax, ISymbol, ITypeSymbol?)>();
            segments.Add((name, member, MemberType(member)));
        }
        return segments;
    }

    /// <summary>
    /// A type as the key of a read names it: a property pattern tests a nullable value type's value and a nullable
    /// reference for null, so <c>{ A.B: 1 }</c> and <c>{ A: { B: 1 } }</c> read the same <c>B</c>.
    /// </summary>
    private static string KeyOf(ITypeSymbol? type) =>
        (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type)
        ?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "";

    private static ITypeSymbol? MemberType(ISymbol member) => member switch
    {
        IPropertySymbol property => property.Type,
        IFieldSymbol field => field.Type,
        _ => null,
    };
}
