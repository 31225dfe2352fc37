using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using AsyncGen.Generator.Parsing;

namespace AsyncGen.Generator.Rewriting;

/// <summary>
/// The reads that the patterns of a switch share across an awaiting guard. C#'s decision DAG evaluates each property,
/// <c>Deconstruct</c> call, list length, list item and slice of the switched value once, the first time a label needs
/// it, and the labels after a guard that failed test what was read before it, even if the guard (or another task,
/// during its suspension) changed the value. A flattened switch tests its labels in parts (a C# switch of the labels
/// before a guard, the guard's label, a C# switch of the labels after it), so a read that two such parts make is made
/// once into a field (<c>_readV</c>, with <c>_hasReadV</c> saying it was made in this run of the switch) and every such
/// label reads it through <c>(_hasReadV ? _readV : Remember(out _hasReadV, out _readV, __in1.V))</c>: the first read,
/// wherever it happens, is the one C# makes. A <c>Deconstruct</c> call fills one field per value
/// (<c>(_hasDeconstructed || Deconstructed(out _hasDeconstructed, (_deconstructed1, _deconstructed2) = __in1))</c>);
/// a list pattern reads its length (<c>Count</c>), then each item and slice at the index C# computes from that length.
/// Those labels are tested as conditions (<c>_switch is Box __in1 &amp;&amp; ...</c>), reading the rest as C# would, in
/// the order written (C#'s DAG may skip an <c>or</c> alternative whose answer it knows already); a label tested so
/// leaves its neighbours' C# switch, so what it shares with them is read once too (<see cref="Plan"/>). A ref struct on
/// a path cannot be a field: it is read again (the reads after it are made once). A tuple's elements are fields of the
/// tested copy, read directly (<c>__in1.Item1</c>), and the reads under them are planned like any others
/// (<c>({ Level: 1 }, 5)</c> calls <c>Level</c> once, as C# does). A positional pattern on an <c>object</c>, which C#
/// tests through <c>ITuple</c>, reads its <c>Length</c> and items once like a list pattern.
/// </summary>
internal sealed class PatternReads
{
    private readonly SemanticModel _model;
    private readonly BodyRewriter _rewriter;
    private readonly Dictionary<string, (IReadOnlyList<string> Values, string Read)> _shared = new();

    private PatternReads(SemanticModel model, BodyRewriter rewriter)
    {
        _model = model;
        _rewriter = rewriter;
    }

    /// <summary>
    /// The reads that may be made other than C# makes them (AG0010, at the pattern): a ref struct read again by each
    /// label, or a read that C#'s decision DAG may skip because a test written after it is answered by the labels
    /// before (<c>{ Spare: 4 } or { Level: 1 }</c> after a label that tested <c>Level</c>).
    /// </summary>
    public IReadOnlyList<(SyntaxNode Node, string Difference)> Differences => _differences;

    private readonly List<(SyntaxNode Node, string Difference)> _differences = new();

    /// <summary>The statements that start each run of the switch: nothing is read yet.</summary>
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
        var sites = patterns.Select(p => p is null ? new List<Site>() : reads.Sites(p, "", Owners.None).ToList()).ToList();
        var all = sites.SelectMany(s => s).ToList();
        var unkept = new HashSet<string>(all.Where(s => !CanKeep(s)).Select(s => s.Key));
        // A label is tested in one of two ways: in a C# switch with the labels next to it (whose DAG reads each
        // value once for all of them), or on its own as a condition (an awaiting guard's label, or one that reads
        // a shared value), which reads each value it names. So a value that two such units read, or that a
        // condition reads twice, is read more often than C# reads it, unless it is shared; sharing a value makes
        // more labels conditions, so the plan grows until it no longer changes. A condition takes a positional
        // pattern apart only through the fields of its Deconstruct call: sharing a read inside such a pattern shares
        // the call (its owner) too.
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
            foreach (var site in all)
            {
                if (unkept.Contains(site.Key) || site.Owners.Keys.Any(unkept.Contains)) continue;
                if ((units[site.Key] > 1 || site.Owners.Keys.Any(shared.Contains)) && shared.Add(site.Key)) changed = true;
                if (shared.Contains(site.Key))
                    foreach (var owner in site.Owners.Keys)
                        if (shared.Add(owner)) changed = true;
            }
        }
        reads.FindDifferences(patterns, sites, awaits, eachApart, shared, unkept);
        foreach (var site in all)
        {
            if (!shared.Contains(site.Key) || reads._shared.ContainsKey(site.Key)) continue;
            var values = site.Member is IMethodSymbol deconstruct
                ? DeconstructedTypes(deconstruct).Select(type => newField("deconstructed", type, site.Node,
                    $"a value of the switched value's '{deconstruct.Name}', called once for the labels around an awaiting guard (as C# does)")).ToList()
                : new List<string> { newField("read" + site.Name, site.Type, site.Node, $"'{site.Description}' of the switched value, read once for the labels around an awaiting guard (as C# does)") };
            var read = newField((site.Member is IMethodSymbol ? "hasDeconstructed" : "hasRead" + site.Name), null, site.Node,
                $"whether {string.Join(", ", values)} {(values.Count == 1 ? "holds" : "hold")} this run's {(site.Member is IMethodSymbol ? "call" : "read")} of '{site.Description}'");
            reads._shared.Add(site.Key, (values, read));
        }
        return reads;
    }

    /// <summary>
    /// The reads the plan cannot make as C# does, each reported once at its label's pattern. A ref struct (or pointer)
    /// that more than one label reads cannot be kept, so each label reads it again. A label tested as a condition
    /// reads in the order written, where C#'s DAG, which knows what the labels before it tested, may drop a read (or a
    /// whole label) once a test written after it is answered: that can happen when the label reads a value before a
    /// test of a value an earlier label read, unless the first read is on the way to the second (<c>A</c> of
    /// <c>A.B</c>, a Deconstruct call, a list's length) or every earlier label that read the second read the first
    /// before it (so it is read already whenever C# knows the answer).
    /// </summary>
    private void FindDifferences(IReadOnlyList<PatternSyntax?> patterns, IReadOnlyList<List<Site>> sites, IReadOnlyList<bool> awaits,
        bool eachApart, HashSet<string> shared, HashSet<string> unkept)
    {
        var readBefore = new HashSet<string>();
        var refStructReads = new HashSet<string>();
        for (var k = 0; k < patterns.Count; k++)
        {
            if (patterns[k] is not { } pattern) continue;
            var labelSites = sites[k];
            var refStruct = labelSites.FirstOrDefault(s => unkept.Contains(s.Key) && s.Member is not IMethodSymbol && refStructReads.Contains(s.Key));
            if (refStruct.Key is not null)
                _differences.Add((pattern, $"'{refStruct.Description}' is a ref struct, which a field cannot keep: this label reads it again, where C# reads it once for every label"));
            else if (eachApart || awaits[k] || labelSites.Any(s => shared.Contains(s.Key)))
            {
                var reported = _differences.Count;
                for (var j = 0; j < labelSites.Count; j++)
                {
                    var answered = labelSites[j];
                    // Tested before in this label (`[1, 2] or [11, 2, 7]`: the length), a known answer cuts there, as in C#.
                    if (!answered.Tested || !readBefore.Contains(answered.Key) || labelSites.Take(j).Any(s => s.Key == answered.Key)) continue;
                    // A label before that read the answered value read the other one first (C# reads in the order
                    // written where it knows nothing, and the label before gets its own warning where it does).
                    var readers = sites.Take(k).Select(l => l.Select(site => site.Key).ToList()).Where(l => l.Contains(answered.Key)).ToList();
                    var skippable = labelSites.Take(j).FirstOrDefault(i => !IsOnTheWay(i, answered) &&
                        !readers.All(l => l.IndexOf(i.Key) is var at && at >= 0 && at < l.IndexOf(answered.Key)));
                    if (skippable.Key is null) continue;
                    _differences.Add((pattern, $"this label reads '{skippable.Description}' before testing '{answered.Description}', which a label before it read: C#'s decision DAG, knowing that answer, may skip the read of '{skippable.Description}', where the generated test reads it in the order written"));
                    break;
                }
                if (_differences.Count == reported && ITupleItemsOutOfOrder(labelSites) is ({ } later, { } earlier))
                    _differences.Add((pattern, $"this label reads item '{later.Description}' of an ITuple before item '{earlier.Description}' (alternatives of an 'or'): C#'s decision DAG may read them in another order, where the generated test reads them in the order written"));
            }
            foreach (var site in labelSites)
            {
                readBefore.Add(site.Key);
                if (unkept.Contains(site.Key)) refStructReads.Add(site.Key);
            }
        }
    }

    /// <summary>
    /// The first two items of one ITuple (of one length) that a label reads in an order other than their index order
    /// (<c>(_, 2) or (1, _)</c>): C#'s DAG has been seen to read <c>[0]</c> first there (review R5), the condition reads in
    /// the order written; null when the label reads each ITuple's items in index order.
    /// </summary>
    private static (Site Later, Site Earlier)? ITupleItemsOutOfOrder(List<Site> labelSites)
    {
        var highest = new Dictionary<string, (int Index, Site Site)>();
        foreach (var site in labelSites)
        {
            var item = System.Text.RegularExpressions.Regex.Match(site.Key, @"^(.*#ITuple\[\d+):(\d+)\]$");
            if (!item.Success) continue;
            var index = int.Parse(item.Groups[2].Value, CultureInfo.InvariantCulture);
            if (highest.TryGetValue(item.Groups[1].Value, out var before) && before.Index > index) return (before.Site, site);
            if (!highest.ContainsKey(item.Groups[1].Value) || before.Index < index) highest[item.Groups[1].Value] = (index, site);
        }
        return null;
    }

    /// <summary>True when the pattern applied to a read has an answer C# can know (not <c>var x</c>, <c>_</c>): only such a test lets the DAG skip a read.</summary>
    private static bool Tests(PatternSyntax? pattern) => pattern is not (null or VarPatternSyntax or DiscardPatternSyntax);

    /// <summary>True when <paramref name="first"/> must be read to read <paramref name="then"/>: a member on its path, its Deconstruct call, its list's length.</summary>
    private static bool IsOnTheWay(Site first, Site then) =>
        then.Key.StartsWith(first.Key, System.StringComparison.Ordinal) ||
        then.Owners.Keys.Contains(first.Key) ||
        (first.Node is ListPatternSyntax || first.Key.EndsWith("#ITuple.Length", System.StringComparison.Ordinal)) && first.Key.LastIndexOf('.') is var dot and > 0 && then.Key.StartsWith(first.Key.Substring(0, dot) + "[", System.StringComparison.Ordinal);

    /// <summary>A read kept in a field: a ref struct or a pointer cannot be (nor can a Deconstruct call giving one).</summary>
    private static bool CanKeep(Site site) => site.Member is IMethodSymbol deconstruct
        ? DeconstructedTypes(deconstruct).All(t => t is not { IsRefLikeType: true } and not IPointerTypeSymbol)
        : site.Type is not { IsRefLikeType: true } and not IPointerTypeSymbol;

    /// <summary>The types of the values a Deconstruct method gives (an extension method's receiver left out).</summary>
    private static IEnumerable<ITypeSymbol> DeconstructedTypes(IMethodSymbol deconstruct) =>
        deconstruct.Parameters.Skip(deconstruct.IsExtensionMethod && deconstruct.ReducedFrom is null ? 1 : 0).Select(p => p.Type);

    /// <summary>True when the label at <paramref name="pattern"/> reads a shared value, so it must be tested as a condition.</summary>
    public bool Reads(PatternSyntax pattern) => Sites(pattern, "", Owners.None).Any(s => _shared.ContainsKey(s.Key));

    /// <summary>
    /// <c>operand is pattern</c> as a condition that reads the shared values through their fields, storing the
    /// pattern's variables that live in fields like <see cref="BodyRewriter.IsPattern"/>.
    /// </summary>
    public string Test(string operand, PatternSyntax pattern) => Test(operand, pattern, "");

    private string Test(string operand, PatternSyntax pattern, string prefix)
    {
        if (!Sites(pattern, prefix, Owners.None).Any(s => _shared.ContainsKey(s.Key)))
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
            case ListPatternSyntax list:
                return TestList(operand, list, prefix);
            default:
                return _rewriter.IsPattern(operand, pattern);
        }
    }

    /// <summary>
    /// <c>operand is T t &amp;&amp; (Deconstruct call) &amp;&amp; (value 1) is p1 &amp;&amp; ... &amp;&amp; (read of P1) is q1 &amp;&amp; ...</c>:
    /// the type test (or null test) of <c>T (p1, ...) { P1: q1, ... } t</c>, then the positional part, then each
    /// property in the order written (C#'s order), a shared read through its field.
    /// </summary>
    private string TestRecursive(string operand, RecursivePatternSyntax recursive, string prefix)
    {
        if (ITupleOf(recursive) is { } iTuple) return TestITuple(operand, recursive, iTuple, prefix);
        var type = Narrowed(recursive);
        var (input, parts) = TypeTest(operand, type, recursive.Designation, recursive);
        if (recursive.PositionalPatternClause is { } positional && !positional.Subpatterns.All(p => p.Pattern is DiscardPatternSyntax))
        {
            if (DeconstructOf(recursive) is null && type.IsTupleType)
            {
                // A tuple's elements are fields of the tested copy: read them directly, the reads under them once.
                for (var i = 0; i < positional.Subpatterns.Count; i++)
                    if (positional.Subpatterns[i].Pattern is not DiscardPatternSyntax)
                        parts.Add(Test(input + "." + TupleElement(i), positional.Subpatterns[i].Pattern, TupleElementKey(prefix, type, i)));
            }
            else
            {
                var key = DeconstructOf(recursive) is { } deconstruct ? DeconstructKey(prefix, type, deconstruct) : null;
                if (key is null || !_shared.TryGetValue(key, out var deconstructed))
                    throw new UnsupportedConstructException(recursive, "a positional pattern without a Deconstruct method read again after an awaiting guard");
                parts.Add($"({deconstructed.Read} || {GeneratedNames.Deconstructed}(out {deconstructed.Read}, ({string.Join(", ", deconstructed.Values)}) = {input}))");
                UsesDeconstructed = true;
                for (var i = 0; i < positional.Subpatterns.Count; i++)
                    if (positional.Subpatterns[i].Pattern is not DiscardPatternSyntax)
                        parts.Add(Test(deconstructed.Values[i], positional.Subpatterns[i].Pattern, key + "#" + i.ToString(CultureInfo.InvariantCulture)));
            }
        }
        foreach (var subpattern in recursive.PropertyPatternClause?.Subpatterns ?? default)
        {
            var key = prefix + "|" + KeyOf(type);
            var value = input;
            var segments = Segments(subpattern).ToList();
            for (var i = 0; i < segments.Count; i++)
            {
                var (name, member, _) = segments[i];
                key += "." + MemberKey(member);
                // A tuple is tested as ValueTuple<...>, which has no element names: its elements are ItemN.
                value = ReadOnce(key, value + "." + (member is IFieldSymbol { CorrespondingTupleField: { } element } ? element.Name : name.ToString()));
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
        // No parentheses: '&&' binds tighter than the '||' and '!(...)' around it.
        return string.Join(" && ", parts);
    }

    /// <summary>
    /// <c>operand is ITuple __in1 &amp;&amp; (read of Length) is 2 &amp;&amp; (read of __in1[0]) is p0 &amp;&amp; ...</c>: a
    /// positional pattern on an <c>object</c> as C#'s DAG tests it, the length first, then each item not matched by
    /// <c>_</c>, in the order written.
    /// </summary>
    private string TestITuple(string operand, RecursivePatternSyntax recursive, INamedTypeSymbol iTuple, string prefix)
    {
        var (input, parts) = TypeTest(operand, iTuple, recursive.Designation, recursive);
        var subpatterns = recursive.PositionalPatternClause!.Subpatterns;
        var baseKey = ITupleKey(prefix, recursive);
        parts.Add($"{ReadOnce(baseKey + ".Length", input + ".Length")} is {subpatterns.Count.ToString(CultureInfo.InvariantCulture)}");
        for (var i = 0; i < subpatterns.Count; i++)
        {
            if (subpatterns[i].Pattern is DiscardPatternSyntax) continue;
            var key = ITupleItemKey(baseKey, subpatterns.Count, i);
            parts.Add(Test(ReadOnce(key, $"{input}[{i.ToString(CultureInfo.InvariantCulture)}]"), subpatterns[i].Pattern, key));
        }
        return string.Join(" && ", parts);
    }

    /// <summary>
    /// <c>operand is T t &amp;&amp; (read of Count) is 2 &amp;&amp; (read of t[0]) is p0 &amp;&amp; ...</c>: as C#'s DAG tests a
    /// list pattern, its length (<c>== n</c>, or <c>&gt;= n - 1</c> with a slice), then each item and the slice in the
    /// order written, an item from the end at the index computed from the length read (never read again).
    /// </summary>
    private string TestList(string operand, ListPatternSyntax list, string prefix)
    {
        var operation = ListOperation(list);
        var type = operation.NarrowedType;
        var (input, parts) = TypeTest(operand, type, list.Designation, list);
        var count = list.Patterns.Count;
        var hasSlice = list.Patterns.Any(p => p is SlicePatternSyntax);
        if (count == 1 && list.Patterns[0] is SlicePatternSyntax { Pattern: null })
            return string.Join(" && ", parts); // `[..]` reads nothing, as in C#
        var baseKey = prefix + "|" + KeyOf(type);
        var lengthName = operation.LengthSymbol?.Name ?? "Length";
        var length = ReadOnce(baseKey + "." + lengthName, input + "." + lengthName);
        var lengthTest = hasSlice ? ">= " + (count - 1).ToString(CultureInfo.InvariantCulture) : count.ToString(CultureInfo.InvariantCulture);
        if (_shared.ContainsKey(baseKey + "." + lengthName))
        {
            parts.Add($"{length} is {lengthTest}");
            length = _shared[baseKey + "." + lengthName].Values[0];
        }
        else
        {
            var temp = NewTemp();
            parts.Add($"{length} is {lengthTest} and var {temp}");
            length = temp;
        }
        foreach (var read in ListReads(list, operation, baseKey))
        {
            var value = read.Slice is { } slice
                ? SliceRead(input, slice.SliceSymbol, length, read.Index, read.FromEnd)
                : ItemRead(input, operation.IndexerSymbol, length, read.Index);
            parts.Add(Test(ReadOnce(read.Key, value), read.Pattern, read.Key));
        }
        return string.Join(" && ", parts);
    }

    /// <summary>
    /// The item at <paramref name="index"/> (from the end when negative) as C# reads it: an <c>int</c> indexer gets the
    /// index computed from the length already read; an <c>Index</c> indexer gets <c>^k</c>, an array either.
    /// </summary>
    private static string ItemRead(string input, ISymbol? indexer, string length, int index)
    {
        if (index >= 0) return $"{input}[{index.ToString(CultureInfo.InvariantCulture)}]";
        var fromEnd = (-index).ToString(CultureInfo.InvariantCulture);
        return indexer is IPropertySymbol { Parameters.Length: 1 } property && property.Parameters[0].Type.SpecialType == SpecialType.System_Int32
            ? $"{input}[{length} - {fromEnd}]"
            : $"{input}[^{fromEnd}]";
    }

    /// <summary>
    /// The slice from <paramref name="start"/> to <paramref name="fromEnd"/> before the end as C# takes it: a
    /// <c>Slice(start, length)</c> method (or <c>Substring</c>) with the length computed from the one already read, a range
    /// indexer (or an array's) with <c>start..^fromEnd</c>.
    /// </summary>
    private static string SliceRead(string input, ISymbol? slice, string length, int start, int fromEnd)
    {
        // An array's slice is RuntimeHelpers.GetSubArray(array, range), which the range indexer calls.
        if (slice is not IMethodSymbol { IsStatic: false } method)
            return $"{input}[{start.ToString(CultureInfo.InvariantCulture)}..^{fromEnd.ToString(CultureInfo.InvariantCulture)}]";
        var cut = start + fromEnd;
        var sliceLength = cut == 0 ? length : $"{length} - {cut.ToString(CultureInfo.InvariantCulture)}";
        return $"{input}.{method.Name}({start.ToString(CultureInfo.InvariantCulture)}, {sliceLength})";
    }

    /// <summary><paramref name="read"/>, or for a shared read the field that keeps its first evaluation in this run.</summary>
    private string ReadOnce(string key, string read)
    {
        if (!_shared.TryGetValue(key, out var field)) return read;
        UsesRemember = true;
        return $"({field.Read} ? {field.Values[0]} : {GeneratedNames.Remember}(out {field.Read}, out {field.Values[0]}, {read}))";
    }

    /// <summary>The type test (or null test) a recursive or list pattern starts with, and the variable it declares.</summary>
    private (string Input, List<string> Parts) TypeTest(string operand, ITypeSymbol type, VariableDesignationSyntax? designation, PatternSyntax pattern)
    {
        // `x is (A, int) t` would be a positional pattern (testing A for null): a tuple type is written as ValueTuple<...>.
        var typeName = AwaitClassifier.TypeName(type, pattern);
        if (type.IsTupleType) typeName = type.ToDisplayString(TupleTypeFormat);
        if (designation is SingleVariableDesignationSyntax single)
        {
            var input = _rewriter.Rewrite(single);
            return (input, new List<string> { $"{operand} is {typeName} {input}{_rewriter.StoreOf(single)}" });
        }
        var temp = NewTemp();
        return (temp, new List<string> { $"{operand} is {typeName} {temp}" });
    }

    /// <summary>True once a condition reads a shared value (the machine declares the <c>Remember</c> helper).</summary>
    public bool UsesRemember { get; private set; }

    /// <summary>True once a condition calls a shared Deconstruct (the machine declares the <c>Deconstructed</c> helper).</summary>
    public bool UsesDeconstructed { get; private set; }

    private string NewTemp() => "__in" + (++_rewriter.PatternTemps).ToString(CultureInfo.InvariantCulture);

    /// <summary>The Deconstruct calls a read is made through (outermost first): sharing the read shares them.</summary>
    private readonly record struct Owners(IReadOnlyList<string> Keys)
    {
        public static Owners None => new(System.Array.Empty<string>());

        public Owners With(string key) => new(Keys.Concat(new[] { key }).ToList());
    }

    /// <summary>
    /// A read a pattern makes: its key (the path from the switched value, with the types tested on the way), the
    /// member read (a property or field, a list's length property, the indexer, the slice method, the Deconstruct
    /// method), the name its field gets, what it is called in comments, its type, the Deconstruct calls it is made through,
    /// and whether a pattern tests its value (a property matched by <c>var x</c> or <c>_</c> is read, not tested).
    /// </summary>
    private readonly record struct Site(string Key, ISymbol? Member, string Name, string Description, ITypeSymbol? Type, SyntaxNode Node, Owners Owners, bool Tested = true);

    /// <summary>The reads of <paramref name="pattern"/> reached without a tuple's positional pattern.</summary>
    private IEnumerable<Site> Sites(PatternSyntax pattern, string prefix, Owners owners)
    {
        switch (pattern)
        {
            case ParenthesizedPatternSyntax parenthesized:
                foreach (var site in Sites(parenthesized.Pattern, prefix, owners)) yield return site;
                break;
            case BinaryPatternSyntax binary:
                foreach (var site in Sites(binary.Left, prefix, owners).Concat(Sites(binary.Right, prefix, owners))) yield return site;
                break;
            case UnaryPatternSyntax not:
                foreach (var site in Sites(not.Pattern, prefix, owners)) yield return site;
                break;
            case RecursivePatternSyntax recursive:
                var type = Narrowed(recursive);
                // A tuple's elements are fields of the tested copy (nothing to keep), but the reads under them are
                // planned like any others (`({ Level: 1 }, 5)` calls Level once, review F2). A positional pattern on
                // an `object` reads ITuple's Length, then each item through its indexer, like a list pattern.
                // A Deconstruct call is made once, and a condition reads its values only through their fields, so
                // every read of the pattern needs them; C#'s DAG drops a call none of whose values a test uses
                // (`(_, _)` does not call Deconstruct).
                if (ITupleOf(recursive) is { } iTuple)
                {
                    var tupleBase = ITupleKey(prefix, recursive);
                    var tupleLength = iTuple.GetMembers("Length").FirstOrDefault();
                    var tupleIndexer = iTuple.GetMembers().FirstOrDefault(m => m is IPropertySymbol { IsIndexer: true });
                    var tupleItem = _model.Compilation.GetSpecialType(SpecialType.System_Object);
                    yield return new Site(tupleBase + ".Length", tupleLength, "Length", "Length", _model.Compilation.GetSpecialType(SpecialType.System_Int32), recursive, owners);
                    var tupleSubpatterns = recursive.PositionalPatternClause!.Subpatterns;
                    for (var i = 0; i < tupleSubpatterns.Count; i++)
                    {
                        if (tupleSubpatterns[i].Pattern is DiscardPatternSyntax) continue;
                        var key = ITupleItemKey(tupleBase, tupleSubpatterns.Count, i);
                        var position = i.ToString(CultureInfo.InvariantCulture);
                        yield return new Site(key, tupleIndexer, "Item" + position, "[" + position + "]", tupleItem, tupleSubpatterns[i], owners, Tests(tupleSubpatterns[i].Pattern));
                        foreach (var site in Sites(tupleSubpatterns[i].Pattern, key, owners)) yield return site;
                    }
                    yield break;
                }
                if (recursive.PositionalPatternClause is { } tuple && DeconstructOf(recursive) is null)
                {
                    if (!type.IsTupleType) yield break;
                    for (var i = 0; i < tuple.Subpatterns.Count; i++)
                        foreach (var site in Sites(tuple.Subpatterns[i].Pattern, TupleElementKey(prefix, type, i), owners))
                            yield return site;
                }
                if (recursive.PositionalPatternClause is { } positional && !positional.Subpatterns.All(p => p.Pattern is DiscardPatternSyntax) &&
                    DeconstructOf(recursive) is { } deconstruct)
                {
                    var key = DeconstructKey(prefix, type, deconstruct);
                    yield return new Site(key, deconstruct, "Deconstruct", deconstruct.Name, null, recursive, owners);
                    owners = owners.With(key);
                    for (var i = 0; i < positional.Subpatterns.Count; i++)
                        foreach (var site in Sites(positional.Subpatterns[i].Pattern, key + "#" + i.ToString(CultureInfo.InvariantCulture), owners))
                            yield return site;
                }
                foreach (var subpattern in recursive.PropertyPatternClause?.Subpatterns ?? default)
                {
                    var key = prefix + "|" + KeyOf(type);
                    var segments = Segments(subpattern).ToList();
                    if (segments.Count == 0) yield break; // an error C# reports
                    for (var i = 0; i < segments.Count; i++)
                    {
                        var (_, member, memberType) = segments[i];
                        key += "." + MemberKey(member);
                        // A tuple's element is a field of the tested copy: nothing to keep (the reads under it are).
                        if (member is not IFieldSymbol { ContainingType.IsTupleType: true })
                            yield return new Site(key, member, member.Name, member.Name, memberType, subpattern, owners, i < segments.Count - 1 || Tests(subpattern.Pattern));
                        if (i < segments.Count - 1) key += "|" + KeyOf(memberType);
                    }
                    foreach (var site in Sites(subpattern.Pattern, key, owners)) yield return site;
                }
                break;
            case ListPatternSyntax list:
                var operation = ListOperation(list);
                var count = list.Patterns.Count;
                if (count == 1 && list.Patterns[0] is SlicePatternSyntax { Pattern: null }) yield break;
                var baseKey = prefix + "|" + KeyOf(operation.NarrowedType);
                var lengthName = operation.LengthSymbol?.Name ?? "Length";
                yield return new Site(baseKey + "." + lengthName, operation.LengthSymbol, lengthName, lengthName, _model.Compilation.GetSpecialType(SpecialType.System_Int32), list, owners);
                foreach (var read in ListReads(list, operation, baseKey))
                {
                    if (read.Slice is { } sliced)
                    {
                        var range = $"{read.Index}..^{read.FromEnd}";
                        yield return new Site(read.Key, sliced.SliceSymbol, "Slice", "[" + range + "]", sliced.Pattern?.InputType, read.Pattern.Parent!, owners);
                    }
                    else
                    {
                        var index = read.Index;
                        var position = index >= 0 ? index.ToString(CultureInfo.InvariantCulture) : "^" + (-index).ToString(CultureInfo.InvariantCulture);
                        yield return new Site(read.Key, operation.IndexerSymbol, index >= 0 ? "Item" + position : "ItemFromEnd" + (-index).ToString(CultureInfo.InvariantCulture),
                            "[" + position + "]", read.Element.InputType, read.Pattern, owners);
                    }
                    foreach (var site in Sites(read.Pattern, read.Key, owners)) yield return site;
                }
                break;
        }
    }

    /// <summary>
    /// The items and slices of a list pattern that are read, in order, each with its key: an item by its index
    /// (negative: from the end), a slice by its bounds. C#'s DAG drops a read no test uses, so an item or slice matched
    /// by '_' (or a bare '..') is not read. The conditions and the plan both walk this, so their keys agree.
    /// </summary>
    private static IEnumerable<ListRead> ListReads(ListPatternSyntax list, IListPatternOperation operation, string baseKey)
    {
        var count = list.Patterns.Count;
        var index = 0;
        foreach (var (subpattern, element) in list.Patterns.Zip(operation.Patterns, (s, o) => (s, o)))
        {
            if (subpattern is SlicePatternSyntax slice)
            {
                var start = index;
                index -= count - 1;
                if (slice.Pattern is not (null or DiscardPatternSyntax))
                    yield return new ListRead($"{baseKey}[{start}..{index}]", slice.Pattern, element, (ISlicePatternOperation)element, start, -index);
                continue;
            }
            if (subpattern is not DiscardPatternSyntax) yield return new ListRead($"{baseKey}[{index}]", subpattern, element, null, index, 0);
            index++;
        }
    }

    /// <summary>One read of a list pattern: an item at <paramref name="Index"/>, or a slice from it to <paramref name="FromEnd"/> before the end.</summary>
    private readonly record struct ListRead(string Key, PatternSyntax Pattern, IPatternOperation Element, ISlicePatternOperation? Slice, int Index, int FromEnd);

    private IListPatternOperation ListOperation(ListPatternSyntax list) =>
        _model.GetOperation(list) as IListPatternOperation ?? throw new UnsupportedConstructException(list, "a list pattern without a length and an indexer");

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
    private static string KeyOf(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable) type = nullable.TypeArguments[0];
        // A tuple's element names are not part of its type: `(Order order, int flag)` and `(Order, int)` are one.
        if (type is INamedTypeSymbol { IsTupleType: true, TupleUnderlyingType: { } underlying }) type = underlying;
        return type?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "";
    }

    /// <summary>A member as the key of a read names it: a tuple element by its position (<c>order</c> is <c>Item1</c>), as positional patterns read it.</summary>
    private static string MemberKey(ISymbol member) =>
        member is IFieldSymbol { CorrespondingTupleField: { } element } ? element.Name : member.Name;

    /// <summary>The ITuple type when a positional pattern reads an <c>object</c> through its Length and indexer (C# 8's rule).</summary>
    private INamedTypeSymbol? ITupleOf(RecursivePatternSyntax recursive) =>
        recursive.PositionalPatternClause is null ? null
            : (_model.GetOperation(recursive) as IRecursivePatternOperation)?.DeconstructSymbol as INamedTypeSymbol;

    /// <summary>The key under which an ITuple pattern reads: its Length (<c>.Length</c>) and items (<c>[i]</c>) follow it.</summary>
    private string ITupleKey(string prefix, RecursivePatternSyntax recursive) => prefix + "|" + KeyOf(Narrowed(recursive)) + "#ITuple";

    /// <summary>
    /// The key of item <paramref name="index"/> of an ITuple of <paramref name="length"/> items: C# reads the length
    /// once, so only the labels of one length read items in a run, and what a label of another length tested tells
    /// the DAG nothing about them (no AG0010 between `(_, 7)` and `(int a, int b, int c)`).
    /// </summary>
    private static string ITupleItemKey(string baseKey, int length, int index) =>
        baseKey + "[" + length.ToString(CultureInfo.InvariantCulture) + ":" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>The Deconstruct method a positional pattern calls (an instance or extension method), if any.</summary>
    private IMethodSymbol? DeconstructOf(RecursivePatternSyntax recursive) =>
        (_model.GetOperation(recursive) as IRecursivePatternOperation)?.DeconstructSymbol as IMethodSymbol;

    /// <summary>
    /// The key of a positional pattern's Deconstruct call, used by both the plan (<see cref="Sites"/>) and the
    /// conditions so the two cannot disagree: C#'s DAG makes one call per input and method, so two overloads (2 and 3
    /// out-parameters) or an extension Deconstruct are separate calls; the method with its containing type and
    /// parameters tells them apart.
    /// </summary>
    private static string DeconstructKey(string prefix, ITypeSymbol? type, IMethodSymbol deconstruct) =>
        prefix + "|" + KeyOf(type) + ".Deconstruct/" + deconstruct.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    private static readonly SymbolDisplayFormat TupleTypeFormat =
        PollAsyncShape.TypeFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.ExpandValueTuple);

    /// <summary>The key of a tuple's element <paramref name="index"/> (0-based): the element names are left out, as C# ignores them.</summary>
    private static string TupleElementKey(string prefix, ITypeSymbol tuple, int index) =>
        prefix + "|" + KeyOf(tuple) + "." + TupleElement(index);

    /// <summary>The name of a tuple's element <paramref name="index"/> (0-based): <c>Item1</c>, ...; C# maps <c>Item8</c> on to <c>Rest</c>.</summary>
    private static string TupleElement(int index) => "Item" + (index + 1).ToString(CultureInfo.InvariantCulture);

    private static ITypeSymbol? MemberType(ISymbol member) => member switch
    {
        IPropertySymbol property => property.Type,
        IFieldSymbol field => field.Type,
        _ => null,
    };
}
