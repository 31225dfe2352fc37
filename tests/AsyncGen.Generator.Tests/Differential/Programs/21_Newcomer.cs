// Programs written the way a newcomer writes async C#: LINQ, interpolation, checked arithmetic, nested try/catch/
// finally with returns in loops, tuples, ref and Span locals that do not cross awaits, params and defaults, generic
// methods of generic classes, struct receivers, out var, iterators, records, nullable value types, switch expressions.

public readonly record struct NcMoney(string Currency, decimal Amount);
public sealed record NcPerson(string Name, int Age);
public struct NcCounter
{
    public int Count;
    public void Bump() => Count++;
    public int Next() => ++Count;
}
public sealed class NcBox<T>(T value)
{
    public T Value = value;
    public T Get() => Value;
}
public static partial class NcRepo<T>
{
    [PollAsync]
    public static async Future<string> Describe<U>(T first, U second)
    {
        await Ops.Yield();
        return $"{first}/{second}";
    }
}
public static class NcIter
{
    public static IEnumerable<int> Evens(int max)
    {
        for (var i = 0; i <= max; i += 2) yield return i;
    }
}

public static partial class P_NcLinqInsideAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var items = await Ops.Value(new[] { 5, 3, 8, 1 });
        var sorted = items.OrderBy(x => x).Where(x => x > 1).Select(x => x * 10).ToList();
        var total = (await Ops.Value(sorted)).Sum();
        var query = from x in await Ops.Value(items) where x % 2 == 1 select x * 2;
        log.Add(string.Join(",", query));
        return total + ":" + string.Join(",", sorted);
    }
}

public static partial class P_NcInterpolationWithAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var name = "ann";
        var text = $"{name,5}|{await Ops.Value(3.14159):F2}|{await Ops.Value(42),-4}|{name.ToUpper()}";
        log.Add($"{{literal}} {await Ops.Value("x")}");
        return text;
    }
}

public static partial class P_NcCheckedArithmeticAroundAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var big = int.MaxValue - 1;
        var step = await Ops.Value(1);
        try
        {
            var sum = checked(big + step);
            log.Add("sum " + sum);
            var factor = 1000000;
            var scaled = unchecked(factor * factor + await Ops.Value(1));
            log.Add("wrapped " + scaled);
            var cast = checked((byte)(await Ops.Value(255)) + (short)step);
            log.Add("cast " + cast);
            sum = checked(sum + step * 1 + await Ops.Value(1));
            log.Add("no overflow " + sum);
        }
        catch (OverflowException)
        {
            log.Add("overflow");
        }
        return "done";
    }
}

public static partial class P_NcReturnsFromNestedTryInLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        for (var i = 0; i < 5; i++)
        {
            try
            {
                log.Add("try:outer" + i);
                try
                {
                    log.Add("try:inner" + i);
                    await Ops.Yield();
                    if (i == 2) return "returned at " + i;
                    if (i == 0) continue;
                }
                catch (InvalidOperationException e)
                {
                    log.Add("caught " + e.Message);
                }
                finally
                {
                    log.Add("finally:inner" + i);
                }
                if (i == 1) throw new InvalidOperationException("boom" + i);
            }
            catch (InvalidOperationException e) when (e.Message.EndsWith("1"))
            {
                log.Add("outer caught " + e.Message);
                await Ops.Yield();
            }
            finally
            {
                log.Add("finally:outer" + i);
            }
        }
        return "end";
    }
}

public static partial class P_NcTuplesAcrossAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var pair = (Name: "x", Count: 1);
        pair.Count += await Ops.Value(2);
        var (a, b) = (await Ops.Value(10), pair.Count);
        (a, b) = (b, a);
        var swapped = (first: a, second: await Ops.Value(b));
        return $"{pair} {a} {b} {swapped.first + swapped.second}";
    }
}

public static partial class P_NcRefLocalNotCrossingAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var numbers = new[] { 1, 2, 3 };
        await Ops.Yield();
        ref var second = ref numbers[1];
        second *= 10;
        var result = numbers[1];
        await Ops.Yield();
        return result + "," + numbers[1];
    }
}

public static partial class P_NcParamsAndDefaults
{
    private static string Join(string separator = "-", params int[] values) => string.Join(separator, values);

    [PollAsync]
    private static async Future<int> Add(int a, int b = 100)
    {
        await Ops.Yield();
        return a + b;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var joined = Join("+", 1, await Ops.Value(2), 3);
        var dflt = Join();
        var sum = await Add(1);
        var named = await Add(b: 2, a: await Ops.Value(3));
        return $"{joined} [{dflt}] {sum} {named}";
    }
}

public static partial class P_NcGenericMethodInGenericClass
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var one = await NcRepo<int>.Describe(1, "a");
        var two = await NcRepo<string>.Describe("b", 2.5);
        return one + " " + two;
    }
}

public static partial class P_NcSpanLocalNotCrossingAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var text = await Ops.Value("hello world");
        var count = 0;
        {
            ReadOnlySpan<char> span = text.AsSpan();
            foreach (var c in span) if (c == 'o') count++;
        }
        await Ops.Yield();
        Span<int> buffer = stackalloc int[3];
        buffer[0] = count;
        return buffer[0] + text.Length.ToString();
    }
}

public static partial class P_NcStructReceiverMutatedAcrossAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var counter = new NcCounter();
        counter.Bump();
        await Ops.Yield();
        counter.Bump();
        var n = counter.Next() + await Ops.Value(100);
        counter.Count += await Ops.Value(5);
        return counter.Count + " " + n;
    }
}

public static partial class P_NcOutVarThenAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        if (!int.TryParse(await Ops.Value("12"), out var parsed)) return "bad";
        await Ops.Yield();
        var dict = new Dictionary<string, int> { ["a"] = 1 };
        dict.TryGetValue("a", out var found);
        var total = parsed + found + await Ops.Value(1);
        return total.ToString();
    }
}

public static partial class P_NcIteratorCalledFromAsync
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sum = 0;
        foreach (var even in NcIter.Evens(await Ops.Value(6)))
        {
            sum += even;
            await Ops.Yield();
        }
        return sum + " " + NcIter.Evens(4).Count();
    }
}

public static partial class P_NcRecordsAndWith
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var person = new NcPerson("ann", 30);
        var older = person with { Age = person.Age + await Ops.Value(1) };
        var renamed = older with { Name = await Ops.Value("bob") };
        var money = new NcMoney("EUR", 1.5m);
        money = money with { Amount = money.Amount * await Ops.Value(2) };
        return $"{person} {older} {renamed} {money} {person == new NcPerson("ann", 30)}";
    }
}

public static partial class P_NcNullableValueTypes
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int? maybe = null;
        maybe ??= await Ops.Value(4);
        int? other = await Ops.Value<int?>(null);
        var sum = maybe + other;
        var coalesced = other ?? await Ops.Value(7);
        var has = maybe.HasValue ? maybe.Value * 2 : -1;
        return $"{sum?.ToString() ?? "null"} {coalesced} {has} {maybe.GetValueOrDefault()}";
    }
}

public static partial class P_NcSwitchExpressionAwaitsInArms
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var results = new List<string>();
        foreach (var o in new object[] { 1, "two", 3.0, 'c' })
        {
            var r = o switch
            {
                int i when i > 0 => "int " + await Ops.Value(i * 2),
                string s => "string " + (await Ops.Value(s)).Length,
                double d => "double " + d,
                _ => await Ops.Value("other"),
            };
            results.Add(r);
        }
        return string.Join(";", results);
    }
}

public static partial class P_NcLocalFunctionInFinally
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        void Note(string text) => log.Add(text);
        try
        {
            Note("try:x");
            await Ops.Yield();
        }
        finally
        {
            Note("finally:x");
        }
        return "done";
    }
}

public static partial class P_NcUsingInLoopWithBreak
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var i = 0;
        while (true)
        {
            using var stream = new System.IO.MemoryStream();
            log.Add("enter:s" + i);
            stream.WriteByte((byte)i);
            await Ops.Yield();
            log.Add("leave:s" + i);
            if (++i == 3) break;
        }
        return i.ToString();
    }
}

public static partial class P_NcExceptionFromAwaitInCondition
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            if (await Ops.Value(1) > 0 && await Ops.Fail<int>("bad") > 0) return "yes";
            return "no";
        }
        catch (InvalidOperationException e)
        {
            return "caught " + e.Message;
        }
    }
}

public static partial class P_NcCompoundOnPropertyAndIndexer
{
    public sealed class Bag
    {
        public int Total { get; set; }
        public Dictionary<string, int> Counts { get; } = new();
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var bag = new Bag();
        bag.Total += await Ops.Value(3);
        bag.Counts["a"] = 1;
        bag.Counts["a"] += await Ops.Value(4);
        bag.Total *= await Ops.Value(2);
        return bag.Total + " " + bag.Counts["a"];
    }
}

public static partial class P_NcStringBuilderChain
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("a").Append(await Ops.Value("b")).Append('c');
        sb.AppendLine().Append(await Ops.Value(1)).Append(await Ops.Value(2));
        return sb.ToString().Replace("\n", "|").Replace("\r", "");
    }
}

public static partial class P_NcTernaryNested
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var x = await Ops.Value(5);
        var label = x > 3 ? (x > 4 ? await Ops.Value("big") : "mid") : await Ops.Value("small");
        var n = x < 0 ? -1 : x == 5 ? await Ops.Value(50) : 0;
        return label + n;
    }
}

public static partial class P_NcAwaitInWhileConditionWithBreakContinue
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var queue = new Queue<int>(new[] { 1, 2, 3, 4, 5, 6 });
        var seen = new List<int>();
        while (await Ops.Value(queue.Count) > 0)
        {
            var item = queue.Dequeue();
            if (item % 2 == 0) continue;
            if (item == 5) break;
            seen.Add(item);
        }
        return string.Join(",", seen) + " left " + queue.Count;
    }
}

public static partial class P_NcArrayOfTasksAwaitedInOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var tasks = new List<Task<int>>();
        for (var i = 1; i <= 3; i++) tasks.Add(Ops.FromTask(i * i));
        var sum = 0;
        foreach (var task in tasks) sum += await task;
        var all = await Task.WhenAll(tasks);
        return sum + " " + all.Sum();
    }
}

public static partial class P_NcLambdaAssignedThenAwaited
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Func<int, Task<int>> twice = async x => { await Task.Yield(); return x * 2; };
        var r = await twice(await Ops.Value(21));
        Func<string, string> shout = s => s.ToUpper() + "!";
        return shout(r.ToString());
    }
}

public static partial class P_NcEnumSwitchWithAwaits
{
    public enum Color { Red, Green, Blue }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var parts = new List<string>();
        foreach (Color c in Enum.GetValues(typeof(Color)))
        {
            switch (c)
            {
                case Color.Red:
                    parts.Add("r" + await Ops.Value(1));
                    break;
                case Color.Green when parts.Count > 0:
                    parts.Add("g");
                    await Ops.Yield();
                    break;
                default:
                    parts.Add(c.ToString().ToLower());
                    break;
            }
        }
        return string.Join(",", parts);
    }
}

public static partial class P_NcObjectInitializerWithAwaits
{
    public sealed class Options
    {
        public string Name { get; set; } = "";
        public int Size { get; set; }
        public List<string> Tags { get; } = new();
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var options = new Options
        {
            Name = await Ops.Value("cfg"),
            Size = 3,
            Tags = { "a", await Ops.Value("b") },
        };
        var dict = new Dictionary<string, int> { ["x"] = await Ops.Value(1), ["y"] = 2 };
        return $"{options.Name} {options.Size} {string.Join("", options.Tags)} {dict["x"] + dict["y"]}";
    }
}

public static partial class P_NcIsPatternsAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        object value = await Ops.Value<object>(new NcPerson("zed", 40));
        if (value is NcPerson { Age: > 30 } p && await Ops.Value(true))
            return "old " + p.Name;
        return "other";
    }
}

public static partial class P_NcGotoInLoopWithAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var attempts = 0;
    retry:
        attempts++;
        await Ops.Yield();
        if (attempts < 3) goto retry;
        return "attempts " + attempts;
    }
}

public static partial class P_NcStaticLocalFunctionAndRecursion
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        static int Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);
        var n = await Ops.Value(10);
        int Scaled(int k) => Fib(k) * n;
        await Ops.Yield();
        return Fib(n) + " " + Scaled(5);
    }
}

public static partial class P_NcCharAndStringOps
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var word = await Ops.Value("Hello");
        var chars = word.ToCharArray();
        Array.Reverse(chars);
        var reversed = new string(chars);
        var first = word[0] + await Ops.Value(1);
        var last = word[^1];
        return $"{reversed} {first} {last} {word[1..^1]}";
    }
}

public static partial class P_NcAwaitInLoopWithIndexFromEnd
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var list = new List<int> { 1, 2, 3, 4 };
        var acc = new List<int>();
        for (var i = list.Count - 1; i >= 0; i--)
        {
            acc.Add(list[i] * await Ops.Value(2));
        }
        var arr = acc.ToArray();
        return string.Join(",", arr[1..]) + " " + arr[^1];
    }
}

public static partial class P_NcDisposeInFinallyAfterException
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var resource = new NcBox<int>(1);
        try
        {
            log.Add("try:r");
            await Ops.Yield();
            resource.Value = await Ops.Fail<int>("fail");
            return "unreachable";
        }
        catch (Exception e) when (e is InvalidOperationException)
        {
            log.Add("caught");
            throw new ArgumentException("wrapped: " + e.Message, e);
        }
        finally
        {
            log.Add("finally:r");
        }
    }
}

public static partial class P_NcForeachOverDictionaryDeconstruct
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var dict = new SortedDictionary<string, int> { ["a"] = 1, ["b"] = 2 };
        var parts = new List<string>();
        foreach (var (key, value) in dict)
        {
            await Ops.Yield();
            parts.Add(key + value);
        }
        foreach (var kv in dict)
        {
            parts.Add(kv.Key + await Ops.Value(kv.Value * 10));
        }
        return string.Join(",", parts);
    }
}
