// Generic instance methods of generic classes, struct instance methods, interpolation into StringBuilder, tuple
// switches, property-pattern loops, goto out of nested loops, Span helpers, filters that log, ranges with awaits, and an
// await foreach cancelled in its body (Dispose starts the iterator's DisposeAsync, which runs its finally).

public partial class NcStore<TKey> where TKey : notnull
{
    private readonly Dictionary<TKey, string> _items = new();

    [PollAsync]
    public async Future<string> GetOrAdd<TValue>(TKey key, TValue value)
    {
        if (_items.TryGetValue(key, out var existing)) return existing;
        await Ops.Yield();
        var text = $"{key}={value}";
        _items[key] = text;
        return text;
    }
}

public partial struct NcTally
{
    public int Total;

    [PollAsync]
    public async Future<int> AddTwice(int amount)
    {
        Total += amount;
        await Ops.Yield();
        Total += amount;
        return Total;
    }
}

public static partial class P_NcGenericInstanceMethodOfGenericClass
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var store = new NcStore<int>();
        var first = await store.GetOrAdd(1, "one");
        var again = await store.GetOrAdd(1, 2.5);
        var tally = new NcTally();
        var result = await tally.AddTwice(5);
        return $"{first} {again} {result} {tally.Total}";
    }
}

public static partial class P_NcStringBuilderInterpolationWithAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append($"[{await Ops.Value(1)}]");
        sb.AppendLine($"<{await Ops.Value("x"),3}>");
        var x = 5;
        sb.Append($"{x:D3}");
        return sb.ToString().Replace(Environment.NewLine, "|");
    }
}

public static partial class P_NcTupleSwitchWithAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<string>();
        foreach (var (a, b) in new[] { (true, 1), (false, 2), (true, 3) })
        {
            switch (a, await Ops.Value(b % 2 == 0))
            {
                case (true, false):
                    results.Add("tf" + b);
                    break;
                case (false, true):
                    results.Add(await Ops.Value("ft" + b));
                    break;
                default:
                    results.Add("other");
                    break;
            }
        }
        return string.Join(",", results);
    }
}

public static partial class P_NcWhilePropertyPatternLoop
{
    private sealed record Node(int Value, Node? Next);

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var head = new Node(1, new Node(2, new Node(3, null)));
        var sum = 0;
        var current = head;
        while (current is { Value: var v, Next: var next })
        {
            sum += v * await Ops.Value(10);
            current = next;
        }
        return sum.ToString();
    }
}

public static partial class P_NcNestedLoopsBreakOutWithGoto
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var found = "";
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                await Ops.Yield();
                if (i * j == 2)
                {
                    found = i + "," + j;
                    goto end;
                }
            }
        }
    end:
        return "found " + found;
    }
}

public static partial class P_NcForeachOverStringAndSpanHelper
{
    private static int CountVowels(ReadOnlySpan<char> text)
    {
        var n = 0;
        foreach (var c in text) if ("aeiou".IndexOf(c) >= 0) n++;
        return n;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = 0;
        foreach (var word in new[] { "alpha", "beta" })
        {
            total += CountVowels(word.AsSpan(await Ops.Value(1)));
            foreach (var c in word)
            {
                if (c == 'a') total += await Ops.Value(100);
            }
        }
        return total.ToString();
    }
}

public static partial class P_NcExceptionFilterWithAwaitInTryAndLogging
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        bool Log(Exception e)
        {
            log.Add("filter " + e.Message);
            return false;
        }
        try
        {
            try
            {
                await Ops.Fail<int>("inner");
            }
            catch (Exception e) when (Log(e))
            {
                return "unreachable";
            }
        }
        catch (InvalidOperationException e)
        {
            return "outer " + e.Message;
        }
        return "none";
    }
}

public static partial class P_NcRangeAndIndexWithAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var data = Enumerable.Range(0, 10).ToArray();
        var slice = data[await Ops.Value(2)..^await Ops.Value(3)];
        Index last = ^1;
        Range middle = 3..(await Ops.Value(5));
        return string.Join(",", slice) + " " + data[last] + " " + string.Join("", data[middle]);
    }
}

public static partial class P_NcAwaitForeachCancelledInBodyDisposesIterator
{
    private static async IAsyncEnumerable<int> Numbers(List<string> log)
    {
        log.Add("try:iterator");
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await Task.CompletedTask; // MoveNextAsync completes at once: the machine suspends only in the loop body
                yield return i;
            }
        }
        finally
        {
            log.Add("finally:iterator");
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sum = 0;
        await foreach (var n in Numbers(log))
        {
            sum += await Ops.Value(n);
            log.Add("item " + n);
        }
        return sum.ToString();
    }
}
