namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// More expression corners a newcomer reaches for around awaits: <c>dynamic</c>, throw expressions and
/// target-typed conditionals, async lambdas returning tasks, static state of a generic type, <c>in</c> and
/// <c>ref readonly</c> arguments, ref locals inside a loop that awaits, deconstruction into members, nested and raw
/// interpolated strings, lambdas capturing <c>this</c>, <c>out var</c> in a loop condition; each beside the same
/// code as <c>async Task</c>.
/// </summary>
public partial class ExpressionCornerShapeTests
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

    public sealed class Bag
    {
        public int Count { get; set; }
        public string Add(int n) => $"int {n}";
        public string Add(string s) => $"string {s}";
    }

    [PollAsync]
    private static async Future<string> Dynamic(List<string> log)
    {
        dynamic bag = new Bag();
        bag.Count += await Later(log, 3);
        dynamic value = await Later<object>(log, 5);
        var first = bag.Add(value);
        value = await Later<object>(log, "five");
        var second = bag.Add(value);
        dynamic flag = await Later<object>(log, true);
        var branch = flag ? "yes" : "no";
        if (flag) branch += await Later(log, "!");
        string text = $"{bag.Count} {first} {second} {branch}";
        return text;
    }

    private static async Task<string> DynamicTask(List<string> log)
    {
        dynamic bag = new Bag();
        bag.Count += await LaterTask(log, 3);
        dynamic value = await LaterTask<object>(log, 5);
        var first = bag.Add(value);
        value = await LaterTask<object>(log, "five");
        var second = bag.Add(value);
        dynamic flag = await LaterTask<object>(log, true);
        var branch = flag ? "yes" : "no";
        if (flag) branch += await LaterTask(log, "!");
        string text = $"{bag.Count} {first} {second} {branch}";
        return text;
    }

    [Fact]
    public async Task Dynamic_receivers_arguments_and_conditions_across_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await DynamicTask(taskLog), Executor.BlockOn(Dynamic(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    [PollAsync]
    private static async Future<string> ThrowsAndTargetTypes(List<string> log, string? input, bool flag)
    {
        var results = new List<string>();
        try
        {
            var name = await Later(log, input) ?? throw new ArgumentNullException(nameof(input));
            results.Add(name);
        }
        catch (ArgumentNullException e)
        {
            results.Add($"null {e.ParamName}");
        }
        int? maybe = flag ? await Later(log, 1) : null;
        string? text = flag ? null : await Later(log, "text");
        var fallback = flag ? await Later(log, 2) : default;
        long widened = flag ? await Later(log, 3) : 4L;
        try
        {
            var checkedValue = flag ? await Later(log, 5) : throw new InvalidOperationException("not flagged");
            results.Add($"{checkedValue}");
        }
        catch (InvalidOperationException e)
        {
            results.Add(e.Message);
        }
        results.Add($"{maybe?.ToString() ?? "none"} {text ?? "none"} {fallback} {widened}");
        return string.Join(" | ", results);
    }

    private static async Task<string> ThrowsAndTargetTypesTask(List<string> log, string? input, bool flag)
    {
        var results = new List<string>();
        try
        {
            var name = await LaterTask(log, input) ?? throw new ArgumentNullException(nameof(input));
            results.Add(name);
        }
        catch (ArgumentNullException e)
        {
            results.Add($"null {e.ParamName}");
        }
        int? maybe = flag ? await LaterTask(log, 1) : null;
        string? text = flag ? null : await LaterTask(log, "text");
        var fallback = flag ? await LaterTask(log, 2) : default;
        long widened = flag ? await LaterTask(log, 3) : 4L;
        try
        {
            var checkedValue = flag ? await LaterTask(log, 5) : throw new InvalidOperationException("not flagged");
            results.Add($"{checkedValue}");
        }
        catch (InvalidOperationException e)
        {
            results.Add(e.Message);
        }
        results.Add($"{maybe?.ToString() ?? "none"} {text ?? "none"} {fallback} {widened}");
        return string.Join(" | ", results);
    }

    [Fact]
    public async Task Throw_expressions_and_target_typed_conditionals_with_awaits_match_async_Task()
    {
        foreach (var (input, flag) in new[] { ("x", true), (null, false), (null, true) })
        {
            var (futureLog, taskLog) = (new List<string>(), new List<string>());
            Assert.Equal(await ThrowsAndTargetTypesTask(taskLog, input, flag), Executor.BlockOn(ThrowsAndTargetTypes(futureLog, input, flag)));
            Assert.Equal(taskLog, futureLog);
        }
    }

    [PollAsync]
    private static async Future<int> AsyncLambdas(List<string> log, int start)
    {
        var total = start;
        Func<int, Task<int>> addLater = async n =>
        {
            await Task.Yield();
            total += n;
            return total;
        };
        var after = await addLater(await Later(log, 2));
        Func<Task> reset = async () => { await Task.Delay(1); total = after * 10; };
        await reset();
        total += await Later(log, 1);
        return total;
    }

    private static async Task<int> AsyncLambdasTask(List<string> log, int start)
    {
        var total = start;
        Func<int, Task<int>> addLater = async n =>
        {
            await Task.Yield();
            total += n;
            return total;
        };
        var after = await addLater(await LaterTask(log, 2));
        Func<Task> reset = async () => { await Task.Delay(1); total = after * 10; };
        await reset();
        total += await LaterTask(log, 1);
        return total;
    }

    [Fact]
    public async Task Async_lambdas_returning_tasks_that_change_hoisted_locals_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await AsyncLambdasTask(taskLog, 1), Executor.BlockOn(AsyncLambdas(futureLog, 1)));
        Assert.Equal(taskLog, futureLog);
    }

    /// <summary>Per-type statistics in static fields of a generic class, updated by its static [PollAsync] member.</summary>
    public static partial class Stats<T>
    {
        public static int Calls;
        public static List<T> Seen { get; } = [];

        [PollAsync]
        public static async Future<int> Record(List<string> log, T value)
        {
            Calls++;
            Seen.Add(await Later(log, value));
            Calls += Seen.Count;
            return Calls;
        }

        public static async Task<int> RecordTask(List<string> log, T value)
        {
            Calls++;
            Seen.Add(await LaterTask(log, value));
            Calls += Seen.Count;
            return Calls;
        }
    }

    internal sealed class FutureSide;
    internal sealed class TaskSide;

    [Fact]
    public async Task Static_state_of_a_generic_class_changed_across_awaits_matches_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        var future = new List<int>();
        var task = new List<int>();
        foreach (var word in new[] { "a", "b" })
        {
            future.Add(Executor.BlockOn(Stats<(FutureSide?, string)>.Record(futureLog, (null, word))));
            task.Add(await Stats<(TaskSide?, string)>.RecordTask(taskLog, (null, word)));
        }
        Assert.Equal(task, future);
        Assert.Equal(Stats<(TaskSide?, string)>.Seen.Select(s => s.Item2), Stats<(FutureSide?, string)>.Seen.Select(s => s.Item2));
    }

    public struct Vec
    {
        public double X, Y;
        public readonly double Length => Math.Sqrt(X * X + Y * Y);
    }

    private static double Dot(in Vec a, in Vec b) => a.X * b.X + a.Y * b.Y;
    private static int Twice(ref readonly int value) => value * 2;

    [PollAsync]
    private static async Future<string> InAndRefReadonly(List<string> log, Vec[] points)
    {
        var total = 0.0;
        var count = 1;
        var origin = new Vec { X = 1, Y = 0 };
        for (var i = 0; i < points.Length; i++)
        {
            ref var point = ref points[i];
            point.X += 1;
            ref readonly var view = ref points[i];
            total += Dot(in view, in origin);
            origin.Y += await Later(log, 1.0);
            total += Dot(origin, points[i]);
        }
        count += Twice(in count);
        await Future.Yield();
        count += Twice(ref count);
        return $"{total} {count} {origin.Length:F3} {points[0].X}";
    }

    private static async Task<string> InAndRefReadonlyTask(List<string> log, Vec[] points)
    {
        var total = 0.0;
        var count = 1;
        var origin = new Vec { X = 1, Y = 0 };
        for (var i = 0; i < points.Length; i++)
        {
            ref var point = ref points[i];
            point.X += 1;
            ref readonly var view = ref points[i];
            total += Dot(in view, in origin);
            origin.Y += await LaterTask(log, 1.0);
            total += Dot(origin, points[i]);
        }
        count += Twice(in count);
        await Task.Yield();
        count += Twice(ref count);
        return $"{total} {count} {origin.Length:F3} {points[0].X}";
    }

    [Fact]
    public async Task In_and_ref_readonly_arguments_and_ref_locals_of_a_loop_that_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await InAndRefReadonlyTask(taskLog, [new() { X = 1, Y = 2 }, new() { X = 3, Y = 4 }]),
            Executor.BlockOn(InAndRefReadonly(futureLog, [new() { X = 1, Y = 2 }, new() { X = 3, Y = 4 }])));
        Assert.Equal(taskLog, futureLog);
    }

    /// <summary>A non-virtual (sealed) member of a partial interface with a body, as a [PollAsync] method: AG0009 tells to make it non-virtual.</summary>
    public partial interface IClock
    {
        int Now { get; }

        [PollAsync]
        sealed async Future<int> Elapsed(List<string> log, int since)
        {
            var now = await Later(log, Now);
            return now - since;
        }
    }

    public sealed class FixedClock(int now) : IClock
    {
        public int Now => now;
    }

    public sealed class TaskClock(int now)
    {
        public async Task<int> Elapsed(List<string> log, int since)
        {
            var value = await LaterTask(log, now);
            return value - since;
        }
    }

    [Fact]
    public async Task A_PollAsync_default_interface_member_matches_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        IClock clock = new FixedClock(50);
        var elapsed = Executor.BlockOn(clock.Elapsed(futureLog, 8));
        Assert.Equal(await new TaskClock(50).Elapsed(taskLog, 8), elapsed);
    }

    public sealed partial class Counter
    {
        private int _hits;
        private string _label = "";
        public List<Func<string>> Reporters { get; } = [];

        [PollAsync]
        public async Future<string> Run(List<string> log)
        {
            (_label, _hits) = await Later(log, ("first", 1));
            Reporters.Add(() => $"{_label}:{_hits}");
            (_hits, var extra) = (_hits + await Later(log, 10), await Later(log, "extra"));
            Reporters.Add(() => $"{extra}:{_hits * 2}");
            _label = $"{_label}{await Later(log, "!")}";
            return string.Join(",", Reporters.Select(r => r()));
        }

        public async Task<string> RunTask(List<string> log)
        {
            (_label, _hits) = await LaterTask(log, ("first", 1));
            Reporters.Add(() => $"{_label}:{_hits}");
            (_hits, var extra) = (_hits + await LaterTask(log, 10), await LaterTask(log, "extra"));
            Reporters.Add(() => $"{extra}:{_hits * 2}");
            _label = $"{_label}{await LaterTask(log, "!")}";
            return string.Join(",", Reporters.Select(r => r()));
        }
    }

    [Fact]
    public async Task Deconstruction_into_fields_and_lambdas_capturing_this_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await new Counter().RunTask(taskLog), Executor.BlockOn(new Counter().Run(futureLog)));
        Assert.Equal(taskLog, futureLog);
    }

    [PollAsync]
    private static async Future<string> Interpolations(List<string> log, int id, string name)
    {
        var padded = $"{await Later(log, $"{id:D4}")}|{name,-6}|{await Later(log, name.Length),3}";
        var raw = $$"""{"id": {{await Later(log, id)}}, "name": "{{name}}", "braces": "{}"}""";
        var nested = $"outer {$"inner {await Later(log, id * 2):X}"} end";
        FormattableString formattable = $"{id} and {await Later(log, name)}";
        var verbatim = $@"C:\{await Later(log, "dir")}\{name}";
        return $"{padded} {raw} {nested} {formattable.Format}/{formattable.ArgumentCount} {verbatim}";
    }

    private static async Task<string> InterpolationsTask(List<string> log, int id, string name)
    {
        var padded = $"{await LaterTask(log, $"{id:D4}")}|{name,-6}|{await LaterTask(log, name.Length),3}";
        var raw = $$"""{"id": {{await LaterTask(log, id)}}, "name": "{{name}}", "braces": "{}"}""";
        var nested = $"outer {$"inner {await LaterTask(log, id * 2):X}"} end";
        FormattableString formattable = $"{id} and {await LaterTask(log, name)}";
        var verbatim = $@"C:\{await LaterTask(log, "dir")}\{name}";
        return $"{padded} {raw} {nested} {formattable.Format}/{formattable.ArgumentCount} {verbatim}";
    }

    [Fact]
    public async Task Raw_nested_verbatim_and_formattable_interpolated_strings_with_awaits_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await InterpolationsTask(taskLog, 42, "ada"), Executor.BlockOn(Interpolations(futureLog, 42, "ada")));
        Assert.Equal(taskLog, futureLog);
    }

    [PollAsync]
    private static async Future<string> OutVarConditions(List<string> log, Queue<string> inputs)
    {
        var parsed = new List<int>();
        while (inputs.TryDequeue(out var text))
        {
            if (!int.TryParse(await Later(log, text), out var number)) continue;
            parsed.Add(number);
            if (parsed.Count == 1 && Dictionary(out var table)) table.Add(text, number);
        }
        var tables = 0;
        for (var i = 0; i < 2 && Dictionary(out var table); i++)
        {
            table["k"] = await Later(log, i);
            tables += table.Count;
        }
        return $"{string.Join(",", parsed)} {tables}";

        static bool Dictionary(out Dictionary<string, int> table)
        {
            table = [];
            return true;
        }
    }

    private static async Task<string> OutVarConditionsTask(List<string> log, Queue<string> inputs)
    {
        var parsed = new List<int>();
        while (inputs.TryDequeue(out var text))
        {
            if (!int.TryParse(await LaterTask(log, text), out var number)) continue;
            parsed.Add(number);
            if (parsed.Count == 1 && Dictionary(out var table)) table.Add(text, number);
        }
        var tables = 0;
        for (var i = 0; i < 2 && Dictionary(out var table); i++)
        {
            table["k"] = await LaterTask(log, i);
            tables += table.Count;
        }
        return $"{string.Join(",", parsed)} {tables}";

        static bool Dictionary(out Dictionary<string, int> table)
        {
            table = [];
            return true;
        }
    }

    [Fact]
    public async Task Out_variables_declared_in_loop_conditions_that_await_in_their_bodies_match_async_Task()
    {
        var (futureLog, taskLog) = (new List<string>(), new List<string>());
        Assert.Equal(await OutVarConditionsTask(taskLog, new(["1", "x", "3"])), Executor.BlockOn(OutVarConditions(futureLog, new(["1", "x", "3"]))));
        Assert.Equal(taskLog, futureLog);
    }
}
