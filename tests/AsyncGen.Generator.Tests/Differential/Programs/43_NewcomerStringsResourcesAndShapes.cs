// Strings and shapes a newcomer writes: raw ($$""") and verbatim interpolated strings and multi-line verbatim and raw
// literals around awaits (the machine re-indents its code, so literals spanning lines are written on one line with
// escapes), using statements with several resources, for loops with several declarators, array sizes that await,
// nested deconstruction into members, null-conditional chains, nested initializers, static abstract members of type
// parameters, spans between awaits (params ReadOnlySpan, a collection expression of a span type), a rethrow from a
// nested catch. Helper types are prefixed Ne.

public sealed class NeRes : IDisposable
{
    private readonly List<string> _log;
    public string Name { get; }
    public NeRes(List<string> log, string name) { _log = log; Name = name; log.Add("open " + name); }
    public void Dispose() => _log.Add("finally:close " + Name);
}

public sealed class NeAsyncRes : IAsyncDisposable
{
    private readonly List<string> _log;
    public string Name { get; }
    public NeAsyncRes(List<string> log, string name) { _log = log; Name = name; log.Add("open " + name); }
    public ValueTask DisposeAsync() { _log.Add("finally:close " + Name); return default; }
}

public sealed class NeNode
{
    public string Name = "";
    public NeNode? Next;
    public List<string> Seen = new();
    public NeNode? Child(string n) { Seen.Add(n); return Next; }
    public string Tag(string t) => Name + "#" + t;
    public int[]? Numbers;
}

public sealed class NeInner { public int X; public List<int> Items { get; } = new(); }
public sealed class NeOuter { public NeInner Inner { get; } = new(); public Dictionary<string, int> Map { get; } = new(); }

public readonly record struct NeMoney(decimal Amount) : IParsable<NeMoney>
{
    public static NeMoney Parse(string s, IFormatProvider? provider) => new(decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
    public static bool TryParse(string? s, IFormatProvider? provider, out NeMoney result) { result = default; return false; }
}

public static partial class P_NeRawAndVerbatimInterpolations
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var name = "x";
        var json = $$"""{ "name": "{{await Ops.Value(name)}}", "n": {{await Ops.Value(2),3}} }""";
        var path = $@"C:\dir\{await Ops.Value("file")}.txt";
        var multi = $"""
            line {await Ops.Value(1)}
              "quoted" {name}
            """;
        var nested = $"<{$"[{await Ops.Value("in")}]"}>";
        var cond = $"{(await Ops.Value(true) ? "yes" : "no")}:{await Ops.Value(0.5):P0}";
        var braces = $"{{{await Ops.Value(7)}}}";
        var utf = $"{await Ops.Value('é')}\t\u00e9\\";
        return json + "|" + path + "|" + multi + "|" + nested + "|" + cond + "|" + braces + "|" + utf;
    }
}

public static partial class P_NeUsingWithSeveralResources
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        using (NeRes a = new NeRes(log, await Ops.Value("a")), b = new NeRes(log, await Ops.Value("b")))
        {
            await Ops.Yield();
            log.Add("body " + a.Name + b.Name);
        }
        try
        {
            using (NeRes c = new NeRes(log, "c"), d = new NeRes(log, await Ops.Fail<string>("d fails")))
            {
                log.Add("never");
            }
        }
        catch (InvalidOperationException e)
        {
            log.Add("caught " + e.Message);
        }
        using NeRes e1 = new NeRes(log, await Ops.Value("e1")), e2 = new NeRes(log, await Ops.Value("e2"));
        await using (NeAsyncRes f = new NeAsyncRes(log, await Ops.Value("f")), g = new NeAsyncRes(log, "g"))
        {
            log.Add("async body");
        }
        await Ops.Yield();
        return "ok";
    }
}

public static partial class P_NeForWithSeveralDeclaratorsAndArraySizes
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var parts = new List<string>();
        for (int i = await Ops.Value(1), j = i * 10; i < 4; i++, j -= await Ops.Value(1))
        {
            parts.Add(i + ":" + j);
        }
        var sized = new int[await Ops.Value(3)];
        var grid = new string[await Ops.Value(2), 2];
        var jag = new int[await Ops.Value(2)][];
        sized[1] = 5;
        return string.Join(",", parts) + " " + sized.Length + sized[1] + " " + grid.Length + " " + jag.Length;
    }
}

public static partial class P_NeNestedDeconstructionIntoMembers
{
    private static int Index(List<string> log, int i) { log.Add("index " + i); return i; }
    private static NeInner Target(List<string> log, NeInner inner) { log.Add("target"); return inner; }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var (a, (b, c)) = (await Ops.Value(1), (await Ops.Value("two"), 3));
        var inner = new NeInner();
        var arr = new int[3];
        (Target(log, inner).X, arr[Index(log, 2)]) = (await Ops.Value(40), await Ops.Value(50));
        (var d, _) = (await Ops.Value('d'), 0);
        int e;
        (e, inner.X) = (inner.X, await Ops.Value(e = 9));
        return $"{a} {b} {c} {inner.X} {string.Join(",", arr)} {d} {e}";
    }
}

public static partial class P_NeConditionalChainsWithAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var first = new NeNode { Name = "first", Next = new NeNode { Name = "second" } };
        NeNode? none = null;
        var r1 = first?.Child(await Ops.Value("a"))?.Tag(await Ops.Value("b"));
        var r2 = first?.Next?.Child(await Ops.Value("c"))?.Tag(await Ops.Value("never"));
        var r3 = none?.Child(await Ops.Value("never2"))?.Name;
        var r4 = first?.Tag(await Ops.Value("t")).Length;
        first!.Numbers = new[] { 4, 5 };
        var r5 = first?.Numbers?[await Ops.Value(1)];
        var r6 = first?.Next?.Numbers?[await Ops.Value(0)];
        int? len = first?.Tag(await Ops.Value("z"))?.Length + await Ops.Value(1);
        return $"{r1} {r2 ?? "null"} {r3 ?? "null"} {r4} {r5} {r6?.ToString() ?? "null"} {len} {string.Join(",", first.Seen)} {string.Join(",", first.Next!.Seen)}";
    }
}

public static partial class P_NeNestedInitializersWithAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var outer = new NeOuter
        {
            Inner = { X = await Ops.Value(3), Items = { 1, await Ops.Value(2) } },
            Map = { [await Ops.Value("k")] = await Ops.Value(9), ["j"] = 1 },
        };
        return $"{outer.Inner.X} {string.Join(",", outer.Inner.Items)} {outer.Map["k"]} {outer.Map.Count}";
    }
}

public static partial class P_NeStaticAbstractMembersOfTypeParameters
{
    [PollAsync]
    private static async Future<T> ParseLater<T>(string text) where T : IParsable<T>
    {
        var value = T.Parse(await Ops.Value(text), null);
        await Ops.Yield();
        return value;
    }

    [PollAsync]
    private static async Future<T> SumLater<T>(T[] values) where T : System.Numerics.INumber<T>
    {
        var total = T.Zero;
        foreach (var v in values) total += await Ops.Value(v);
        return total * T.One;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var money = await ParseLater<NeMoney>("1.5");
        var n = await ParseLater<int>("42");
        var sum = await SumLater(new[] { 1.5, 2.25 });
        return $"{money.Amount} {n} {sum}";
    }
}

public static partial class P_NeSpansBetweenAwaits
{
    private static int Sum(params ReadOnlySpan<int> values)
    {
        var total = 0;
        foreach (var v in values) total += v;
        return total;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var a = Sum(1, await Ops.Value(2), 3);
        await Ops.Yield();
        ReadOnlySpan<int> span = [await Ops.Value(4), 5];
        var b = span.Length + span[0];
        var array = new[] { 1, 2, 3 };
        foreach (ref var item in array.AsSpan()) item *= 2;
        await Ops.Yield();
        var c = Sum(array) + Sum([await Ops.Value(100)]);
        return $"{a} {b} {c}";
    }
}

public static partial class P_NeRethrowFromNestedCatchAfterAwaits
{
    [PollAsync]
    private static async Future<int> Inner(List<string> log)
    {
        try
        {
            await Ops.Yield();
            throw new ArgumentException("inner");
        }
        catch (ArgumentException e) when (e.Message == "inner")
        {
            try
            {
                await Ops.Yield();
                throw new InvalidOperationException("second");
            }
            catch (InvalidOperationException second)
            {
                log.Add("second " + second.Message);
                await Ops.Yield();
            }
            log.Add("rethrowing " + e.Message);
            throw;
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            return "value " + await Inner(log);
        }
        catch (ArgumentException e)
        {
            await Ops.Yield();
            return "caught " + e.Message + " " + e.GetType().Name;
        }
    }
}

public static partial class P_NeMultiLineStringLiterals
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var verbatim = @"first
  second
        third";
        await Ops.Yield();
        var spilled = @"a
   b" + await Ops.Value(@"c
    d");
        log.Add(verbatim);
        var raw = """
            raw one
              raw two
            """;
        var interpolatedVerbatim = $@"x
      {await Ops.Value(1)}
  y";
        var inLambda = new Func<string>(() => @"l1
     l2")();
        if (await Ops.Value(true))
        {
            log.Add(@"nested
        deeper");
        }
        return verbatim + "|" + spilled + "|" + raw + "|" + interpolatedVerbatim + "|" + inLambda;
    }
}
