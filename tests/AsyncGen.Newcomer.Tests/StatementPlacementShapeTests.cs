using System.Text;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Statements in the odd places a newcomer puts them next to awaits: <c>lock</c> and <c>using</c> declarations in
/// switch sections and local functions, local functions (static or capturing) called across awaits, iterators,
/// exception filters reading hoisted locals, spans that end before an await, each beside the same code as
/// <c>async Task</c>.
/// </summary>
public partial class StatementPlacementShapeTests
{
    [PollAsync]
    private static async Future<T> Later<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Future.Yield();
        return value;
    }

    private static async Task<T> LaterTask<T>(List<string> log, T value)
    {
        log.Add($"later {value}");
        await Task.Yield();
        return value;
    }

    public sealed class Scope(List<string> log, string name) : IDisposable
    {
        public void Dispose() => log.Add($"dispose {name}");
    }

    private static readonly object Gate = new();

    [PollAsync]
    private static async Future<string> LocksAndUsingsInSections(List<string> log, string[] commands)
    {
        var state = 0;
        foreach (var command in commands)
        {
            switch (command)
            {
                case "lock":
                    lock (Gate)
                    {
                        state++;
                        log.Add($"locked {state}");
                    }
                    state += await Later(log, 10);
                    break;
                case "scope":
                    using (var scope = new Scope(log, "section"))
                    {
                        state *= await Later(log, 2);
                    }
                    log.Add("after section scope");
                    break;
                default:
                    {
                        using var inner = new Scope(log, command);
                        state -= await Later(log, 1);
                        if (state < 0) break;
                        log.Add($"default {command}");
                        break;
                    }
            }
        }
        return $"{state}";
    }

    private static async Task<string> LocksAndUsingsInSectionsTask(List<string> log, string[] commands)
    {
        var state = 0;
        foreach (var command in commands)
        {
            switch (command)
            {
                case "lock":
                    lock (Gate)
                    {
                        state++;
                        log.Add($"locked {state}");
                    }
                    state += await LaterTask(log, 10);
                    break;
                case "scope":
                    using (var scope = new Scope(log, "section"))
                    {
                        state *= await LaterTask(log, 2);
                    }
                    log.Add("after section scope");
                    break;
                default:
                    {
                        using var inner = new Scope(log, command);
                        state -= await LaterTask(log, 1);
                        if (state < 0) break;
                        log.Add($"default {command}");
                        break;
                    }
            }
        }
        return $"{state}";
    }

    [Fact]
    public async Task Lock_and_using_in_switch_sections_around_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        string[] commands = ["lock", "scope", "x", "lock", "y", "scope"];
        Assert.Equal(await LocksAndUsingsInSectionsTask(taskLog, commands), Executor.BlockOn(LocksAndUsingsInSections(futureLog, commands)));
        Assert.Equal(taskLog, futureLog);
    }

    [PollAsync]
    private static async Future<string> LocalFunctions(List<string> log, int start)
    {
        var total = start;
        var calls = 0;
        Record("begin");
        total += await Later(log, Twice(3));
        Record("middle");
        using (Open("block"))
        {
            total += await Later(log, 1);
        }
        var bumped = Bump();
        total = await Later(log, bumped) + Bump();
        Record("end");
        return $"{total} {calls}";

        void Record(string what)
        {
            calls++;
            log.Add($"{what} total={total} calls={calls}");
        }

        static int Twice(int x) => x * 2;

        int Bump()
        {
            using var scope = new Scope(log, $"bump {calls}");
            return ++total;
        }

        Scope Open(string name)
        {
            Record("open " + name);
            return new Scope(log, name);
        }
    }

    private static async Task<string> LocalFunctionsTask(List<string> log, int start)
    {
        var total = start;
        var calls = 0;
        Record("begin");
        total += await LaterTask(log, Twice(3));
        Record("middle");
        using (Open("block"))
        {
            total += await LaterTask(log, 1);
        }
        var bumped = Bump();
        total = await LaterTask(log, bumped) + Bump();
        Record("end");
        return $"{total} {calls}";

        void Record(string what)
        {
            calls++;
            log.Add($"{what} total={total} calls={calls}");
        }

        static int Twice(int x) => x * 2;

        int Bump()
        {
            using var scope = new Scope(log, $"bump {calls}");
            return ++total;
        }

        Scope Open(string name)
        {
            Record("open " + name);
            return new Scope(log, name);
        }
    }

    [Fact]
    public async Task Local_functions_declared_after_use_that_change_hoisted_locals_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await LocalFunctionsTask(taskLog, 5), Executor.BlockOn(LocalFunctions(futureLog, 5)));
        Assert.Equal(taskLog, futureLog);
    }

    private static IEnumerable<int> Countdown(List<string> log, int from)
    {
        try
        {
            for (var i = from; i > 0; i--)
            {
                log.Add($"yield {i}");
                yield return i;
            }
        }
        finally
        {
            log.Add("countdown done");
        }
    }

    [PollAsync]
    private static async Future<string> Iterators(List<string> log)
    {
        var sum = 0;
        foreach (var n in Countdown(log, 5))
        {
            sum += await Later(log, n);
            if (sum > 8) break;
        }
        using var numbers = Countdown(log, 3).GetEnumerator();
        while (numbers.MoveNext())
        {
            sum += await Later(log, numbers.Current * 100);
        }
        var evens = Countdown(log, 6).Where(n => n % 2 == 0).Select(n => n * sum);
        var firstEven = evens.First();
        await Future.Yield();
        return $"{sum} {firstEven} {string.Join(",", evens)}";
    }

    private static async Task<string> IteratorsTask(List<string> log)
    {
        var sum = 0;
        foreach (var n in Countdown(log, 5))
        {
            sum += await LaterTask(log, n);
            if (sum > 8) break;
        }
        using var numbers = Countdown(log, 3).GetEnumerator();
        while (numbers.MoveNext())
        {
            sum += await LaterTask(log, numbers.Current * 100);
        }
        var evens = Countdown(log, 6).Where(n => n % 2 == 0).Select(n => n * sum);
        var firstEven = evens.First();
        await Task.Yield();
        return $"{sum} {firstEven} {string.Join(",", evens)}";
    }

    [Fact]
    public async Task Iterators_enumerated_across_awaits_are_disposed_as_in_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await IteratorsTask(taskLog), Executor.BlockOn(Iterators(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    public sealed class TransientException(int code) : Exception($"transient {code}")
    {
        public int Code { get; } = code;
    }

    [PollAsync]
    private static async Future<string> RetryWithFilters(List<string> log, int failures)
    {
        var attempt = 0;
        var maxAttempts = 3;
        var lastCode = -1;
        while (true)
        {
            attempt++;
            try
            {
                var value = await Later(log, attempt);
                if (value <= failures) throw new TransientException(value * 10);
                return $"ok after {attempt} last {lastCode}";
            }
            catch (TransientException e) when (attempt < maxAttempts && e.Code != lastCode)
            {
                lastCode = e.Code;
                log.Add($"retry {attempt}");
                maxAttempts += await Later(log, 0);
            }
            catch (TransientException e) when (Log(log, $"filter sees {attempt}/{maxAttempts}"))
            {
                return $"gave up {e.Code} {lastCode}";
            }
        }

        static bool Log(List<string> log, string text)
        {
            log.Add(text);
            return true;
        }
    }

    private static async Task<string> RetryWithFiltersTask(List<string> log, int failures)
    {
        var attempt = 0;
        var maxAttempts = 3;
        var lastCode = -1;
        while (true)
        {
            attempt++;
            try
            {
                var value = await LaterTask(log, attempt);
                if (value <= failures) throw new TransientException(value * 10);
                return $"ok after {attempt} last {lastCode}";
            }
            catch (TransientException e) when (attempt < maxAttempts && e.Code != lastCode)
            {
                lastCode = e.Code;
                log.Add($"retry {attempt}");
                maxAttempts += await LaterTask(log, 0);
            }
            catch (TransientException e) when (Log(log, $"filter sees {attempt}/{maxAttempts}"))
            {
                return $"gave up {e.Code} {lastCode}";
            }
        }

        static bool Log(List<string> log, string text)
        {
            log.Add(text);
            return true;
        }
    }

    [Fact]
    public async Task Exception_filters_reading_hoisted_loop_state_match_async_Task()
    {
        foreach (var failures in new[] { 0, 2, 5 })
        {
            var (futureLog, taskLog) = (new List<string>(), new List<string>());
            Assert.Equal(await RetryWithFiltersTask(taskLog, failures), Executor.BlockOn(RetryWithFilters(futureLog, failures)));
            Assert.Equal(taskLog, futureLog);
        }
    }

    private static int Sum(params ReadOnlySpan<int> values)
    {
        var sum = 0;
        foreach (var v in values) sum += v;
        return sum;
    }

    private static string Join(string separator, params IEnumerable<string> parts) => string.Join(separator, parts);

    [PollAsync]
    private static async Future<string> SpansAndParams(List<string> log, int[] data)
    {
        var a = Sum(1, await Later(log, 2), 3);
        var b = Sum();
        var c = Sum([.. data, await Later(log, 10)]);
        Span<int> window = stackalloc int[4];
        data.AsSpan(0, 2).CopyTo(window);
        var windowSum = Sum(window);
        await Future.Yield();
        ReadOnlySpan<char> text = "a,b,c";
        var commas = text.Count(',');
        var joined = Join("-", await Later(log, "x"), "y", $"{commas}");
        var builder = new StringBuilder();
        builder.Append($"[{a}:{await Later(log, b)}]");
        builder.Append(await Later(log, c)).Append($"{windowSum,4}|{await Later(log, 1.5),-5:F2}|");
        return $"{builder} {joined}";
    }

    private static async Task<string> SpansAndParamsTask(List<string> log, int[] data)
    {
        var a = Sum(1, await LaterTask(log, 2), 3);
        var b = Sum();
        var c = Sum([.. data, await LaterTask(log, 10)]);
        Span<int> window = stackalloc int[4];
        data.AsSpan(0, 2).CopyTo(window);
        var windowSum = Sum(window);
        await Task.Yield();
        ReadOnlySpan<char> text = "a,b,c";
        var commas = text.Count(',');
        var joined = Join("-", await LaterTask(log, "x"), "y", $"{commas}");
        var builder = new StringBuilder();
        builder.Append($"[{a}:{await LaterTask(log, b)}]");
        builder.Append(await LaterTask(log, c)).Append($"{windowSum,4}|{await LaterTask(log, 1.5),-5:F2}|");
        return $"{builder} {joined}";
    }

    [Fact]
    public async Task Params_spans_stackalloc_and_interpolation_handlers_beside_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await SpansAndParamsTask(taskLog, [4, 5, 6]), Executor.BlockOn(SpansAndParams(futureLog, [4, 5, 6])));
        Assert.Equal(taskLog, futureLog);
    }

    [PollAsync]
    private static async Future<string> CollectionExpressions(List<string> log, List<int> seed)
    {
        int[] head = [1, .. seed, await Later(log, 9)];
        List<int> more = [.. await Later(log, seed), .. head];
        IEnumerable<string> names = [await Later(log, "a"), .. seed.Select(s => $"s{s}")];
        HashSet<int> unique = [.. head, .. more];
        Dictionary<string, int> index = new() { [await Later(log, "k")] = head.Length };
        IReadOnlyList<int> empty = [];
        int[] spread = [.. (await Later(log, (int[])[7, 8]))[1..]];
        return $"{string.Join(",", head)} {string.Join(",", more)} {string.Join(",", names)} {unique.Count} {index["k"]} {empty.Count} {spread[0]}";
    }

    private static async Task<string> CollectionExpressionsTask(List<string> log, List<int> seed)
    {
        int[] head = [1, .. seed, await LaterTask(log, 9)];
        List<int> more = [.. await LaterTask(log, seed), .. head];
        IEnumerable<string> names = [await LaterTask(log, "a"), .. seed.Select(s => $"s{s}")];
        HashSet<int> unique = [.. head, .. more];
        Dictionary<string, int> index = new() { [await LaterTask(log, "k")] = head.Length };
        IReadOnlyList<int> empty = [];
        int[] spread = [.. (await LaterTask(log, (int[])[7, 8]))[1..]];
        return $"{string.Join(",", head)} {string.Join(",", more)} {string.Join(",", names)} {unique.Count} {index["k"]} {empty.Count} {spread[0]}";
    }

    [Fact]
    public async Task Collection_expressions_with_spreads_of_awaited_values_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await CollectionExpressionsTask(taskLog, [2, 3]), Executor.BlockOn(CollectionExpressions(futureLog, [2, 3])));
        Assert.Equal(taskLog, futureLog);
    }

    public record struct Options(int Retries = 3, string Mode = "fast", TimeSpan? Timeout = null);

    private static string Configure(Options options = default, int? port = default, string host = "localhost") =>
        $"{options.Retries}/{options.Mode ?? "null"}/{options.Timeout?.TotalSeconds ?? -1} {port?.ToString() ?? "none"} {host}";

    [PollAsync]
    private static async Future<string> DefaultsAndTargetTypedNew(List<string> log)
    {
        Options options = new(Retries: await Later(log, 5));
        var a = Configure(new() { Mode = await Later(log, "slow") });
        var b = Configure(default, await Later(log, 80));
        var c = Configure(host: await Later(log, "example"), options: options);
        Options blank = default;
        (int Count, string Name) pair = default;
        pair.Count += await Later(log, 2);
        TimeSpan? timeout = default;
        timeout ??= new(0, 0, await Later(log, 30));
        Options withTimeout = options with { Timeout = timeout };
        return $"{a} | {b} | {c} | {Configure(blank)} | {pair} | {Configure(withTimeout)}";
    }

    private static async Task<string> DefaultsAndTargetTypedNewTask(List<string> log)
    {
        Options options = new(Retries: await LaterTask(log, 5));
        var a = Configure(new() { Mode = await LaterTask(log, "slow") });
        var b = Configure(default, await LaterTask(log, 80));
        var c = Configure(host: await LaterTask(log, "example"), options: options);
        Options blank = default;
        (int Count, string Name) pair = default;
        pair.Count += await LaterTask(log, 2);
        TimeSpan? timeout = default;
        timeout ??= new(0, 0, await LaterTask(log, 30));
        Options withTimeout = options with { Timeout = timeout };
        return $"{a} | {b} | {c} | {Configure(blank)} | {pair} | {Configure(withTimeout)}";
    }

    [Fact]
    public async Task Default_literals_named_arguments_and_target_typed_new_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await DefaultsAndTargetTypedNewTask(taskLog), Executor.BlockOn(DefaultsAndTargetTypedNew(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }
}

/// <summary>Extension methods a newcomer writes over futures: a [PollAsync] extension that awaits its receiver.</summary>
public static partial class FutureExtensions
{
    [PollAsync]
    public static async Future<T> Logged<T>(this Future<T> future, List<string> log, string label)
    {
        log.Add($"start {label}");
        var value = await future;
        log.Add($"end {label} {value}");
        return value;
    }

    [PollAsync]
    public static async Future<int> PlusLater(this int value, int more)
    {
        await Future.Yield();
        return value + more;
    }

    public static async Task<T> LoggedTask<T>(this Task<T> task, List<string> log, string label)
    {
        log.Add($"start {label}");
        var value = await task;
        log.Add($"end {label} {value}");
        return value;
    }

    public static async Task<int> PlusLaterTask(this int value, int more)
    {
        await Task.Yield();
        return value + more;
    }
}

public partial class StatementPlacementShapeTests
{
    [PollAsync]
    private static async Future<string> ExtensionsOnFutures(List<string> log)
    {
        var a = await Later(log, 1).Logged(log, "a");
        var b = await (await 2.PlusLater(a)).PlusLater(3).Logged(log, "b");
        var c = await FutureExtensions.Logged(Later(log, "c"), log, "static call");
        return $"{a} {b} {c}";
    }

    private static async Task<string> ExtensionsOnFuturesTask(List<string> log)
    {
        var a = await LaterTask(log, 1).LoggedTask(log, "a");
        var b = await (await 2.PlusLaterTask(a)).PlusLaterTask(3).LoggedTask(log, "b");
        var c = await FutureExtensions.LoggedTask(LaterTask(log, "c"), log, "static call");
        return $"{a} {b} {c}";
    }

    [Fact]
    public async Task PollAsync_extension_methods_on_futures_and_values_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await ExtensionsOnFuturesTask(taskLog), Executor.BlockOn(ExtensionsOnFutures(futureLog)));
        // A future starts when it is first polled, a Task when it is called: 'Logged' logs its start before the
        // future it receives runs its first line, while the Task twin's argument has already run up to its await.
        Assert.Equal(["later 1", "start a", "end a 1", "start b", "end b 6", "later c", "start static call", "end static call c"], taskLog);
        Assert.Equal(["start a", "later 1", "end a 1", "start b", "end b 6", "start static call", "later c", "end static call c"], futureLog);
    }
}
