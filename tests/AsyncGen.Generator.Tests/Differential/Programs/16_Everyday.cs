public sealed class Widget(string name, int size)
{
    public string Name => name;
    public int Size => size;
}

public sealed class Greeter(string prefix)
{
    public string Greet(string who) => prefix + who;
}

public sealed record Order(string Item, int Quantity);

public sealed class ParseFailure(string input, int position) : Exception("cannot parse '" + input + "' at " + position)
{
    public int Position => position;
}

public static partial class P_RetryLoop
{
    [PollAsync]
    private static async Future<string> Flaky(int attempt)
    {
        await Ops.Yield();
        if (attempt < 3) throw new InvalidOperationException("attempt " + attempt + " failed");
        return "success on " + attempt;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Flaky(attempt);
            }
            catch (InvalidOperationException e) when (attempt < 5)
            {
                log.Add(e.Message);
                await Ops.Yield();
            }
        }
    }
}

public static partial class P_QueueDrain
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var queue = new Queue<string>(new[] { "a", "b", "stop", "c" });
        var taken = new List<string>();
        while (queue.Count > 0)
        {
            var next = await Ops.Value(queue.Dequeue());
            if (next == "stop") break;
            taken.Add(next);
        }
        return string.Join("", taken) + " left " + queue.Count;
    }
}

public static partial class P_StringBuilderAcrossAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var builder = new System.Text.StringBuilder();
        builder.Append(await Ops.Value("Hello"));
        builder.Append(", ");
        builder.Append(await Ops.Value("world")).Append('!');
        return builder.ToString();
    }
}

public static partial class P_WordCounts
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var counts = new Dictionary<string, int>();
        foreach (var word in "the cat and the hat".Split(' '))
        {
            counts[word] = counts.GetValueOrDefault(word) + await Ops.Value(1);
        }
        return string.Join(",", counts.OrderBy(p => p.Key).Select(p => p.Key + ":" + p.Value));
    }
}

public static partial class P_CheckedOverflowAfterAwait
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var big = await Ops.Value(int.MaxValue);
        log.Add("got big");
        var sum = checked(big + 1);
        return "no overflow " + sum;
    }
}

public static partial class P_InterpolatedAwaits
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var name = "ada";
        return $"{await Ops.Value(name.ToUpperInvariant())} is {await Ops.Value(36),4} years, {await Ops.Value(1.5):F2} m";
    }
}

public static partial class P_EarlyReturnFromNestedLoops
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        for (var row = 0; row < 3; row++)
        {
            for (var col = 0; col < 3; col++)
            {
                if (await Ops.Value(row * col) == 2) return "found at " + row + "," + col;
                log.Add("visit " + row + col);
            }
        }
        return "not found";
    }
}

public static partial class P_ExceptionHierarchy
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var outcomes = "";
        foreach (var kind in new[] { "arg", "null", "other" })
        {
            try
            {
                await Ops.Yield();
                throw kind switch
                {
                    "arg" => new ArgumentException("bad argument"),
                    "null" => new ArgumentNullException("thing"),
                    _ => new InvalidOperationException("other"),
                };
            }
            catch (ArgumentNullException)
            {
                outcomes += "null ";
            }
            catch (ArgumentException)
            {
                outcomes += "arg ";
            }
            catch (Exception e)
            {
                outcomes += e.GetType().Name + " ";
            }
        }
        return outcomes.Trim();
    }
}

public static partial class P_CustomExceptionEscapes
{
    [PollAsync]
    private static async Future<int> Parse(string input)
    {
        for (var i = 0; i < input.Length; i++)
        {
            await Ops.Yield();
            if (!char.IsDigit(input[i])) throw new ParseFailure(input, i);
        }
        return int.Parse(input);
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        log.Add("parsed " + await Parse("123"));
        return "second " + await Parse("12x4");
    }
}

public static partial class P_RecordWithExpression
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var order = new Order("apple", 1);
        var more = order with { Quantity = await Ops.Value(5) };
        var other = more with { Item = await Ops.Value("pear") };
        return order + " " + more.Quantity + " " + other.Item + " " + (order == more);
    }
}

public static partial class P_RecordWithExpressionOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var order = Trace.Value(log, "order", new Order("plum", 2));
        var changed = order with { Item = Trace.Value(log, "item", "fig"), Quantity = await Ops.Value(7) };
        Order? missing = null;
        try
        {
            _ = missing! with { Quantity = await Ops.Value(Trace.Value(log, "never", 1)) };
        }
        catch (NullReferenceException)
        {
            log.Add("null record");
        }
        return changed.ToString();
    }
}

public static partial class P_ConditionalAccessOnAwaited
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var missing = (await Ops.Value<string?>(null))?.Length ?? -1;
        var present = (await Ops.Value<string?>("four"))?.Length ?? -1;
        return missing + " " + present;
    }
}

public static partial class P_ConditionalAccessChainOnAwaited
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var upper = (await Ops.Value<string?>("abc"))?.ToUpperInvariant().Substring(Trace.Value(log, "start", 1));
        var none = (await Ops.Value<List<string>?>(null))?[Trace.Value(log, "never", 0)].Length;
        return upper + " " + (none is null);
    }
}

public static partial class P_ConditionalCallOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        List<string>? present = Trace.Value(log, "present", new List<string>());
        present?.Add(Trace.Value(log, "first", "x") + await Ops.Value("y"));
        List<string>? absent = null;
        absent?.Add(await Ops.Value(Trace.Value(log, "never", "z")));
        int? count = new[] { 1, 2 }.Length;
        var text = count?.ToString(await Ops.Value("D3"));
        return string.Join(",", present!) + " " + text;
    }
}

public static partial class P_ConditionalAccessWithAwaitedArgument
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Greeter? greeter = new Greeter("hi ");
        var text = greeter?.Greet(await Ops.Value("bob"));
        greeter = null;
        var none = greeter?.Greet(await Ops.Value("nobody")) ?? "nobody greeted";
        return text + " / " + none;
    }
}

public static partial class P_LockThenAwait
{
    private static readonly object s_gate = new();
    private static int s_value;

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int snapshot;
        lock (s_gate)
        {
            s_value = 5;
            snapshot = s_value;
        }
        await Ops.Yield();
        lock (s_gate) s_value += snapshot;
        return "value " + s_value;
    }
}

public static partial class P_GotoRetry
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var tries = 0;
    again:
        tries++;
        var value = await Ops.Value(tries * 2);
        if (value < 6) goto again;
        return "tries " + tries;
    }
}

public static partial class P_ParamsArgument
{
    private static int Sum(params int[] values) => values.Sum();

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var total = Sum(1, await Ops.Value(2), Trace.Value(log, "third", 3));
        var empty = Sum();
        return total + " " + empty;
    }
}

public static partial class P_NamedArgumentsInConstructor
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var widget = new Widget(size: await Ops.Value(3), name: Trace.Value(log, "name", "bolt"));
        await Ops.Yield();
        return widget.Name + widget.Size;
    }
}

public static partial class P_PrimaryConstructorService
{
    public partial class Service(string prefix)
    {
        [PollAsync]
        public async Future<string> Decorate(string text)
        {
            await Ops.Yield();
            return prefix + text;
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var service = new Service("[svc] ");
        return await service.Decorate("call");
    }
}

public static partial class P_RangeOperandOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var letters = "abcdefgh";
        var both = letters[Trace.Value(log, "start", 1)..^await Ops.Value(Trace.Value(log, "end", 2))];
        var open = letters[(await Ops.Value(5))..];
        var head = letters[..await Ops.Value(2)];
        return both + " " + open + " " + head;
    }
}

public static partial class P_IndexAndRange
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var letters = "abcdefg";
        var numbers = new[] { 10, 20, 30, 40 };
        var last = numbers[^await Ops.Value(1)];
        var middle = letters[await Ops.Value(1)..^2];
        return last + " " + middle;
    }
}

public static partial class P_CollectionExpressions
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        int[] first = [1, await Ops.Value(2), 3];
        List<int> second = [.. first, await Ops.Value(4)];
        return string.Join(",", second);
    }
}

public static partial class P_CollectionExpressionSpreadOrder
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        IEnumerable<int> Source(string label)
        {
            log.Add("enumerate " + label);
            yield return 7;
        }

        List<int> all = [.. Trace.Value(log, "first", Source("a")), await Ops.Value(Trace.Value(log, "value", 8)), .. await Ops.Value(new[] { 9 })];
        return string.Join(",", all);
    }
}

public static partial class P_ExceptionInSpilledArguments
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            return Trace.Join(Trace.Value(log, "a", "A"), await Ops.Fail<int>("middle"), Trace.Value(log, "c", "C"));
        }
        catch (InvalidOperationException e)
        {
            return "stopped at " + e.Message;
        }
    }
}

public static partial class P_ThrowExpressionOnNull
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var present = await Ops.Value<string?>("ok") ?? throw new InvalidOperationException("missing");
        log.Add("present " + present);
        var absent = await Ops.Value<string?>(null) ?? throw new InvalidOperationException("missing value");
        return absent;
    }
}

public static partial class P_UsingInsideCatch
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        try
        {
            await Ops.Fail<int>("trigger");
        }
        catch (InvalidOperationException e)
        {
            using var lease = Lease.Open(log, "handler");
            await Ops.Yield();
            log.Add("handled " + e.Message + " with " + lease.Name);
        }
        return "after catch";
    }
}

public static partial class P_TupleReturningHelper
{
    [PollAsync]
    private static async Future<(int Min, int Max)> Bounds(int[] values)
    {
        await Ops.Yield();
        return (values.Min(), values.Max());
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var bounds = await Bounds(new[] { 4, 8, 1 });
        await Ops.Yield();
        return bounds.Min + ".." + bounds.Max;
    }
}

public static partial class P_ManyAwaitsInLongLoop
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        long total = 0;
        for (var i = 0; i < 50; i++)
        {
            total += await Ops.Value(i);
            if (i % 10 == 9) log.Add("at " + i + " total " + total);
        }
        return total.ToString();
    }
}

public static partial class P_DoWhileWithTryCatch
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var round = 0;
        var errors = 0;
        do
        {
            try
            {
                round++;
                if (round % 2 == 0) await Ops.Fail<int>("even " + round);
                await Ops.Yield();
            }
            catch (InvalidOperationException e)
            {
                errors++;
                log.Add(e.Message);
            }
        }
        while (round < 5);
        return "errors " + errors;
    }
}

public static partial class P_RecursiveSum
{
    [PollAsync]
    private static async Future<int> SumTo(int n)
    {
        if (n == 0) return 0;
        var rest = await SumTo(n - 1);
        await Ops.Yield();
        return rest + n;
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log) => "sum " + await SumTo(6);
}

public static partial class P_TaskAndFutureMixed
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var fromTask = await Ops.FromTask(5);
        var fromFuture = await Work.Square(fromTask);
        var fromValueTask = await new ValueTask<int>(fromFuture + 1);
        return fromTask + " " + fromFuture + " " + fromValueTask;
    }
}

public static partial class P_NullForgivingAndDefaults
{
    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        string? name = default;
        var length = name?.Length ?? 0;
        name = await Ops.Value("set");
        return name!.Length + length + (await Ops.Value<string?>(null) ?? "default");
    }
}
