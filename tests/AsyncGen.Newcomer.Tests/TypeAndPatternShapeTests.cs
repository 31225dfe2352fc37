namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Where a newcomer declares [PollAsync] methods and what they match on, beside the same code as <c>async Task</c>:
/// primary constructors whose parameters change across awaits, nested generic partial types, events, list and slice
/// patterns, nested switch expressions, using declarations whose resource is not used after the await.
/// </summary>
public partial class TypeAndPatternShapeTests
{
    [PollAsync]
    private static async Future<T> Later<T>(T value)
    {
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(T value)
    {
        await Task.Yield();
        return value;
    }

    public sealed partial class Counter(string name, int start)
    {
        public event Action<string>? Changed;

        [PollAsync]
        public async Future<string> Bump(int times)
        {
            for (var i = 0; i < times; i++)
            {
                start += await Later(i + 1);
                Changed?.Invoke($"{name}={start}");
            }
            var snapshot = start;
            Func<int, int> offset = x => x + start;
            await Future.Yield();
            start *= 10;
            return $"{name} {snapshot} {offset(1)} {Current}";
        }

        public int Current => start;
    }

    public sealed class CounterTask(string name, int start)
    {
        public event Action<string>? Changed;

        public async Task<string> Bump(int times)
        {
            for (var i = 0; i < times; i++)
            {
                start += await LaterTask(i + 1);
                Changed?.Invoke($"{name}={start}");
            }
            var snapshot = start;
            Func<int, int> offset = x => x + start;
            await Task.Yield();
            start *= 10;
            return $"{name} {snapshot} {offset(1)} {Current}";
        }

        public int Current => start;
    }

    [Fact]
    public async Task A_primary_constructor_parameter_changed_across_awaits_stays_changed_in_the_object()
    {
        var events = new List<string>();
        var counter = new Counter("c", 5);
        counter.Changed += events.Add;
        var result = Executor.BlockOn(counter.Bump(3));
        var expectedEvents = new List<string>();
        var expectedCounter = new CounterTask("c", 5);
        expectedCounter.Changed += expectedEvents.Add;
        Assert.Equal(await expectedCounter.Bump(3), result);
        Assert.Equal(expectedEvents, events);
        Assert.Equal(expectedCounter.Current, counter.Current);
        Assert.Equal("c 11 111 110", result);
    }

    public partial class Outer<T> where T : class
    {
        public partial class Inner<U>(T owner) where U : struct
        {
            [PollAsync]
            public async Future<(T Owner, U Value, V Extra)> Pair<V>(U value, V extra) where V : notnull
            {
                var copy = await Later(value);
                var same = await Later(owner);
                return (same, copy, await Later(extra));
            }
        }
    }

    [Fact]
    public void A_generic_method_of_a_generic_class_nested_in_a_generic_class()
    {
        var inner = new Outer<string>.Inner<int>("owner");
        Assert.Equal(("owner", 4, 'x'), Executor.BlockOn(inner.Pair(4, 'x')));
        Assert.Equal(("owner", 4, (object)"o"), Executor.BlockOn(inner.Pair<object>(4, "o")));
    }

    [PollAsync]
    private static async Future<string> Patterns(int[] numbers, object? thing)
    {
        var parts = new List<string>();
        if (await Later(numbers) is [var first, .. var middle, var last])
        {
            await Future.Yield();
            parts.Add($"first {first} middle [{string.Join(",", middle)}] last {last}");
        }
        else if (numbers is [])
        {
            parts.Add("empty");
        }
        var kind = await Later(thing) switch
        {
            null => "null",
            int n when n > 10 => $"big {n + await Later(0)}",
            int n => (n % 2) switch { 0 => $"even {await Later(n)}", _ => "odd" },
            string { Length: > 2 } s => $"long {s}",
            string s => $"short {s}",
            int[] { Length: 1 } array => $"one {array[0]}",
            _ => "other",
        };
        parts.Add(kind);
        if (thing is not null and not string)
        {
            parts.Add($"not null {await Later(thing.GetType().Name)}");
        }
        var grade = await Later(numbers.Length) switch { < 1 => "none", >= 1 and <= 2 => "few", _ => "many" };
        parts.Add(grade);
        switch (await Later(numbers))
        {
            case [1, ..] when numbers.Length > 1:
                var tail = numbers[1..];
                await Future.Yield();
                parts.Add($"starts with 1, tail {tail.Length}");
                break;
            case [.., var end] arr:
                await Future.Yield();
                parts.Add($"ends with {end} of {arr.Length}");
                break;
            default:
                parts.Add("no case");
                break;
        }
        return string.Join("; ", parts);
    }

    private static async Task<string> PatternsTask(int[] numbers, object? thing)
    {
        var parts = new List<string>();
        if (await LaterTask(numbers) is [var first, .. var middle, var last])
        {
            await Task.Yield();
            parts.Add($"first {first} middle [{string.Join(",", middle)}] last {last}");
        }
        else if (numbers is [])
        {
            parts.Add("empty");
        }
        var kind = await LaterTask(thing) switch
        {
            null => "null",
            int n when n > 10 => $"big {n + await LaterTask(0)}",
            int n => (n % 2) switch { 0 => $"even {await LaterTask(n)}", _ => "odd" },
            string { Length: > 2 } s => $"long {s}",
            string s => $"short {s}",
            int[] { Length: 1 } array => $"one {array[0]}",
            _ => "other",
        };
        parts.Add(kind);
        if (thing is not null and not string)
        {
            parts.Add($"not null {await LaterTask(thing.GetType().Name)}");
        }
        var grade = await LaterTask(numbers.Length) switch { < 1 => "none", >= 1 and <= 2 => "few", _ => "many" };
        parts.Add(grade);
        switch (await LaterTask(numbers))
        {
            case [1, ..] when numbers.Length > 1:
                var tail = numbers[1..];
                await Task.Yield();
                parts.Add($"starts with 1, tail {tail.Length}");
                break;
            case [.., var end] arr:
                await Task.Yield();
                parts.Add($"ends with {end} of {arr.Length}");
                break;
            default:
                parts.Add("no case");
                break;
        }
        return string.Join("; ", parts);
    }

    public static TheoryData<int[], object?> PatternCases => new()
    {
        { [1, 2, 3, 4], 42 },
        { [], null },
        { [7], 4 },
        { [1, 9], "hi" },
        { [5, 6, 7], "hello" },
        { [2], new[] { 8 } },
        { [3, 3], 3.5 },
    };

    [Theory]
    [MemberData(nameof(PatternCases))]
    public async Task List_slice_relational_and_nested_switch_patterns_around_awaits_match_async_Task(int[] numbers, object? thing)
    {
        Assert.Equal(await PatternsTask(numbers, thing), Executor.BlockOn(Patterns(numbers, thing)));
    }

    private sealed class Resource(List<string> log, string name) : IDisposable, IAsyncDisposable
    {
        public void Dispose() => log.Add($"dispose {name}");

        public async ValueTask DisposeAsync()
        {
            await Task.Yield();
            log.Add($"dispose async {name}");
        }
    }

    [PollAsync]
    private static async Future<string> Usings(List<string> log, bool early)
    {
        using var first = new Resource(log, "first");
        await using var second = new Resource(log, "second");
        await Future.Yield();
        log.Add("after first await");
        using Resource third = new(log, "third"), fourth = new(log, "fourth");
        using Resource? missing = null;
        for (var i = 0; i < 2; i++)
        {
            using var perIteration = new Resource(log, $"loop {i}");
            await Future.Yield();
            if (early && i == 0) return string.Join("; ", log);
        }
        await using (new Resource(log, "statement"))
        {
            await Future.Yield();
        }
        log.Add("end of body");
        return string.Join("; ", log);
    }

    private static async Task<string> UsingsTask(List<string> log, bool early)
    {
        using var first = new Resource(log, "first");
        await using var second = new Resource(log, "second");
        await Task.Yield();
        log.Add("after first await");
        using Resource third = new(log, "third"), fourth = new(log, "fourth");
        using Resource? missing = null;
        for (var i = 0; i < 2; i++)
        {
            using var perIteration = new Resource(log, $"loop {i}");
            await Task.Yield();
            if (early && i == 0) return string.Join("; ", log);
        }
        await using (new Resource(log, "statement"))
        {
            await Task.Yield();
        }
        log.Add("end of body");
        return string.Join("; ", log);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Using_declarations_not_used_after_the_await_dispose_in_reverse_order_as_in_async_Task(bool early)
    {
        var expectedLog = new List<string>();
        var expected = await UsingsTask(expectedLog, early);
        var log = new List<string>();
        Assert.Equal(expected, Executor.BlockOn(Usings(log, early)));
        Assert.Equal(expectedLog, log);
    }
}
