using System.Runtime.CompilerServices;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// What a newcomer awaits besides other [PollAsync] calls, beside the same code as <c>async Task</c> where it has
/// one: futures kept in locals, lists and fields before they are awaited, methods that return a future without
/// being async, conditional awaits, <c>Task.Yield</c> and <c>ConfigureAwait</c>, <c>ValueTask</c>, spawned handles.
/// </summary>
public partial class AwaitableShapeTests
{
    [PollAsync]
    private static async Future<T> Later<T>(List<string> log, T value)
    {
        log.Add($"start {value}");
        await Future.Yield();
        log.Add($"end {value}");
        return value;
    }

    private static async Task<T> LaterTask<T>(List<string> log, T value)
    {
        log.Add($"start {value}");
        await Task.Yield();
        log.Add($"end {value}");
        return value;
    }

    /// <summary>Not async: hands back another method's future (nothing runs until it is awaited).</summary>
    private static Future<int> Doubled(List<string> log, int value) => Later(log, value * 2);

    private static Task<int> DoubledTask(List<string> log, int value) => LaterTask(log, value * 2);

    private sealed class Pending(Future<string> work)
    {
        public Future<string> Work { get; } = work;
    }

    [PollAsync]
    private static async Future<string> StoredFutures(List<string> log, bool flag)
    {
        var first = Later(log, "a");
        log.Add("created a");
        var many = new List<Future<int>> { Later(log, 1), Doubled(log, 2) };
        var holder = new Pending(Later(log, "held"));
        var a = await first;
        var sum = 0;
        foreach (var f in many) sum += await f;
        var held = await holder.Work;
        var chosen = flag ? await Later(log, "yes") : await Later(log, "no");
        var shortCircuit = flag || await Later(log, false);
        var both = flag && await Later(log, true);
        var coalesced = (flag ? null : "kept") ?? await Later(log, "fallback");
        return $"{a} {sum} {held} {chosen} {shortCircuit} {both} {coalesced} | {string.Join("; ", log)}";
    }

    private sealed class PendingTask(Task<string> work)
    {
        public Task<string> Work { get; } = work;
    }

    private static async Task<string> StoredFuturesTask(List<string> log, bool flag)
    {
        // A Task starts at once: log "created" after it ran to its first await, as a future runs when awaited.
        var first = (Func<Task<string>>)(() => LaterTask(log, "a"));
        log.Add("created a");
        var many = new List<Func<Task<int>>> { () => LaterTask(log, 1), () => DoubledTask(log, 2) };
        var holder = (Func<Task<string>>)(() => LaterTask(log, "held"));
        var a = await first();
        var sum = 0;
        foreach (var f in many) sum += await f();
        var held = await holder();
        var chosen = flag ? await LaterTask(log, "yes") : await LaterTask(log, "no");
        var shortCircuit = flag || await LaterTask(log, false);
        var both = flag && await LaterTask(log, true);
        var coalesced = (flag ? null : "kept") ?? await LaterTask(log, "fallback");
        return $"{a} {sum} {held} {chosen} {shortCircuit} {both} {coalesced} | {string.Join("; ", log)}";
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Futures_stored_in_locals_lists_and_objects_run_only_when_awaited(bool flag)
    {
        Assert.Equal(await StoredFuturesTask([], flag), Executor.BlockOn(StoredFutures([], flag)));
    }

    [PollAsync]
    private static async Future<string> BclAwaitables(List<string> log)
    {
        await Task.Yield();
        log.Add("after Task.Yield");
        await Task.Delay(1).ConfigureAwait(false);
        log.Add("after ConfigureAwait(false)");
        var fromValueTask = await new ValueTask<int>(Task.FromResult(5));
        var completed = await ValueTask.FromResult(6);
        await ValueTask.CompletedTask;
        var viaTask = await Task.Run(() => 7).ConfigureAwait(true);
        var delayed = await Later(log, 8).AsTask();
        await Task.WhenAll(Task.Delay(1), Task.Delay(2));
        var any = await await Task.WhenAny(Task.FromResult(9));
        return $"{fromValueTask} {completed} {viaTask} {delayed} {any} | {string.Join("; ", log)}";
    }

    [Fact]
    public void Task_Yield_ConfigureAwait_ValueTask_and_await_await_work_inside_a_future()
    {
        var expected = "5 6 7 8 9 | after Task.Yield; after ConfigureAwait(false); start 8; end 8";
        Assert.Equal(expected, Executor.BlockOn(BclAwaitables([])));
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal(expected, executor.BlockOn(BclAwaitables([])));
    }

    [PollAsync]
    private static async Future<string> AwaitedTwice(List<string> log)
    {
        var once = Later(log, 1);
        var value = await once;
        try
        {
            value += await once;
            return "awaited twice";
        }
        catch (InvalidOperationException e)
        {
            return $"{value} {e.Message.Contains("await it once", StringComparison.Ordinal)}";
        }
    }

    [Fact]
    public void A_future_awaited_a_second_time_throws_saying_to_keep_the_result()
    {
        Assert.Equal("1 True", Executor.BlockOn(AwaitedTwice([])));
    }

    [PollAsync]
    private static async Future<int> Child(int value)
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return value * 10;
    }

    [PollAsync]
    private static async Future<string> SpawnedAndPassedAround()
    {
        var handles = new List<JoinHandle<int>>();
        for (var i = 1; i <= 3; i++) handles.Add(Executor.Spawn(Child(i)));
        var first = handles[0];
        var total = await Join(first, handles[1]);
        total += await handles[2];
        var (x, y) = await Future.Join(Child(4), Child(5));
        return $"{total} {x + y}";
    }

    [PollAsync]
    private static async Future<int> Join(JoinHandle<int> a, JoinHandle<int> b) => await a + await b;

    [Fact]
    public void Join_handles_kept_in_a_list_and_passed_to_another_future_are_joined_on_both_executors()
    {
        Assert.Equal("60 90", Executor.BlockOn(SpawnedAndPassedAround()));
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal("60 90", executor.BlockOn(SpawnedAndPassedAround()));
    }
}
