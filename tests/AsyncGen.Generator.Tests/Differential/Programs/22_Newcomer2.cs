// More programs written the way a newcomer writes async C#: extension methods, statics and Interlocked, const and
// nameof, switch in loops, async iterators, events and this, char ranges and list patterns, throw expressions.

public static class NcStrings
{
    public static string Repeat(this string text, int count) => string.Concat(Enumerable.Repeat(text, count));
}
public static class NcStatics
{
    public static int Calls;
}
public sealed class NcAsyncResource(List<string> log, string name) : IAsyncDisposable
{
    public ValueTask DisposeAsync()
    {
        log.Add("finally:" + name);
        return default;
    }
}
public sealed partial class NcAccount(string owner)
{
    private decimal _balance;
    public event EventHandler<decimal>? Changed;
    public string Owner => owner;

    [PollAsync]
    public async Future<string> Deposit(decimal amount, List<string> log)
    {
        Changed += (_, value) => log.Add("changed " + value);
        _balance += await Ops.Value(amount);
        Changed?.Invoke(this, await Ops.Value(_balance));
        this._balance *= 2;
        return $"{Owner}:{_balance}";
    }
}
public static partial class NcGeneric
{
    [PollAsync]
    public static async Future<T> Max<T>(T a, T b) where T : struct, IComparable<T>
    {
        await Ops.Yield();
        return a.CompareTo(b) >= 0 ? a : b;
    }
}

public static partial class P_NcExtensionWithAwaitedArgument
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = "ab".Repeat(await Ops.Value(3));
        return text + (await Ops.Value("x")).Repeat(2);
    }
}

public static partial class P_NcStaticCounterAndInterlocked
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        NcStatics.Calls = 0;
        var local = 0;
        for (var i = 0; i < 3; i++)
        {
            NcStatics.Calls++;
            System.Threading.Interlocked.Increment(ref local);
            await Ops.Yield();
            System.Threading.Interlocked.Add(ref local, await Ops.Value(10));
        }
        return NcStatics.Calls + " " + local;
    }
}

public static partial class P_NcNameofConstAndDefault
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        const int Limit = 3;
        var counter = default(int);
        string? nothing = default;
        while (counter < Limit)
        {
            counter += await Ops.Value(1);
        }
        return nameof(counter) + "=" + counter + " " + (nothing ?? "null") + " " + nameof(Limit);
    }
}

public static partial class P_NcAnonymousTypeNotCrossingAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var n = await Ops.Value(2);
        var pair = new { Name = "x", Count = n };
        var text = pair.Name + pair.Count;
        await Ops.Yield();
        return text;
    }
}

public static partial class P_NcSwitchInLoopWithContinue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var parts = new List<string>();
        var i = 0;
        while (true)
        {
            i++;
            switch (i % 3)
            {
                case 0:
                    await Ops.Yield();
                    continue;
                case 1:
                    parts.Add("one" + i);
                    break;
                default:
                    if (i > 6) goto done;
                    parts.Add(await Ops.Value("two" + i));
                    break;
            }
        }
    done:
        return string.Join(",", parts);
    }
}

public static partial class P_NcDoWhileWithContinueAndAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var n = 0;
        var evens = 0;
        do
        {
            n++;
            if (n % 2 == 1) continue;
            evens += await Ops.Value(1);
        } while (n < await Ops.Value(6));
        return n + " " + evens;
    }
}

public static partial class P_NcExceptionInFinallyReplacesOriginal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            try
            {
                await Ops.Yield();
                throw new InvalidOperationException("first");
            }
            finally
            {
                await Ops.Yield();
                throw new ArgumentException("second");
            }
        }
        catch (Exception e)
        {
            return e.GetType().Name + " " + e.Message;
        }
    }
}

public static partial class P_NcAsyncIteratorConsumed
{
    private static async IAsyncEnumerable<int> Numbers(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i * i;
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sum = 0;
        await foreach (var n in Numbers(await Ops.Value(4)))
        {
            if (n == 4) continue;
            sum += n;
        }
        return sum.ToString();
    }
}

public static partial class P_NcAwaitUsingCustomResourceInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        for (var i = 0; i < 2; i++)
        {
            await using var resource = new NcAsyncResource(log, "r" + i);
            log.Add("try:r" + i);
            if (i == 0) continue;
            await Ops.Yield();
        }
        return "ok";
    }
}

public static partial class P_NcInstanceMethodWithEventAndThis
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var account = new NcAccount("ann");
        var first = await account.Deposit(10m, log);
        return first + " " + await account.Deposit(1m, log);
    }
}

public static partial class P_NcCharRangesAndListPatterns
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var kinds = new List<string>();
        foreach (var c in await Ops.Value("aZ5!"))
        {
            switch (c)
            {
                case >= 'a' and <= 'z':
                    kinds.Add("lower");
                    break;
                case >= 'A' and <= 'Z':
                    kinds.Add(await Ops.Value("upper"));
                    break;
                case var d when char.IsDigit(d):
                    kinds.Add("digit" + d);
                    break;
                default:
                    kinds.Add("other");
                    break;
            }
        }
        var numbers = await Ops.Value(new[] { 1, 2, 3, 9 });
        var described = numbers is [1, .., var last] ? "starts with 1, ends " + last : "no";
        if (numbers is [_, var second, ..])
        {
            await Ops.Yield();
            described += " second " + second;
        }
        return string.Join(",", kinds) + " " + described;
    }
}

public static partial class P_NcParseFailureCaught
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<string>();
        foreach (var text in new[] { "1", "x", "3" })
        {
            try
            {
                results.Add((int.Parse(await Ops.Value(text)) * 2).ToString());
            }
            catch (FormatException)
            {
                results.Add("bad");
                await Ops.Yield();
            }
        }
        return string.Join(",", results);
    }
}

public static partial class P_NcMathWithTwoAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var max = Math.Max(await Ops.Value(3), await Ops.Value(7));
        var clamp = Math.Clamp(await Ops.Value(15), 0, max + await Ops.Value(1));
        var generic = await NcGeneric.Max(4.5, 2.0);
        return max + " " + clamp + " " + generic;
    }
}

public static partial class P_NcSelectWithIndexDeconstructed
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var words = new List<string> { "a", "b", "c" };
        var parts = new List<string>();
        foreach (var (word, index) in words.Select((w, i) => (w, i)))
        {
            parts.Add(index + word + await Ops.Value("!"));
        }
        return string.Join(" ", parts);
    }
}

public static partial class P_NcThrowExpressionsWithAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        string? name = await Ops.Value<string?>(null);
        try
        {
            var value = name ?? throw new ArgumentNullException(nameof(name));
            return value;
        }
        catch (ArgumentNullException e)
        {
            log.Add("null " + e.ParamName);
        }
        var n = await Ops.Value(-1);
        try
        {
            var text = n switch
            {
                > 0 => "positive",
                0 => await Ops.Value("zero"),
                _ => throw new ArgumentOutOfRangeException(nameof(n), "negative"),
            };
            return text;
        }
        catch (ArgumentOutOfRangeException e)
        {
            return "caught " + e.ParamName;
        }
    }
}

public static partial class P_NcCapturedActionModifiesHoisted
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = 0;
        Action<int> add = x => total += x;
        add(await Ops.Value(5));
        await Ops.Yield();
        add(2);
        var copy = total;
        add(await Ops.Value(100));
        return copy + " " + total;
    }
}

public static partial class P_NcCatchBodyAwaitsAndFilterUsesLocal
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var threshold = await Ops.Value(2);
        var attempts = 0;
        while (true)
        {
            try
            {
                attempts++;
                if (attempts <= 3) await Ops.Fail<int>("attempt " + attempts);
                return "succeeded after " + attempts;
            }
            catch (InvalidOperationException e) when (attempts < threshold + 2)
            {
                log.Add(await Ops.Value("retry after " + e.Message));
            }
        }
    }
}

public static partial class P_NcNestedGenericCollections
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var index = new Dictionary<string, List<(int Line, string Text)>>();
        foreach (var (line, text) in new[] { (1, "a b"), (2, "b c") })
        {
            foreach (var word in text.Split(' '))
            {
                if (!index.TryGetValue(word, out var hits)) index[word] = hits = new();
                hits.Add((line, await Ops.Value(word.ToUpper())));
            }
        }
        return string.Join(";", index.OrderBy(p => p.Key).Select(p => p.Key + "=" + string.Join(",", p.Value.Select(h => h.Line + h.Text))));
    }
}

public static partial class P_NcStringFormatWithAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var formatted = string.Format("{0}-{1}-{2}", await Ops.Value(1), "two", await Ops.Value(3.5));
        var concat = string.Concat(await Ops.Value("a"), await Ops.Value("b"));
        return formatted + " " + concat;
    }
}

public static partial class P_NcNullChecksAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        string? maybe = await Ops.Value<string?>("text");
        if (maybe is not null && maybe.Length > await Ops.Value(2))
        {
            return maybe?.ToUpper() ?? "none";
        }
        return "short";
    }
}
