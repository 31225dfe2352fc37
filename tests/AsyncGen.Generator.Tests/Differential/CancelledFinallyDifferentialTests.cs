using Gate = AsyncGen.Generator.Tests.Behaviour.InProjectMachines.Gate;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// The same method as an <c>async Task</c> whose <see cref="CancellationToken"/> is cancelled while it awaits inside a
/// try, and as a generated <c>[PollAsync]</c> machine disposed while suspended at the same await: their finally blocks
/// (which await) and <c>using</c>/<c>await using</c> disposals run in the same order with the same effects. The
/// cancellation point is <c>Task.Delay(Infinite, ct)</c> in the Task twin and a gate that never opens in the machine;
/// every other line is the same. The machine runs on a <see cref="LocalExecutor"/>, where a block that waits finishes
/// in a task of its own.
/// </summary>
public partial class CancelledFinallyDifferentialTests
{
    public static TheoryData<string> Scenarios => new(s_scenarios.Keys);

    private static readonly Dictionary<string, (Func<List<string>, CancellationToken, Task<int>> Task, Func<List<string>, Gate, Future<int>> Machine)> s_scenarios = new()
    {
        ["finally awaiting twice"] = (TwoAwaitsTask, (log, gate) => TwoAwaits(log, gate)),
        ["nested finally blocks and a using"] = (NestedTask, (log, gate) => Nested(log, gate)),
        ["loop with continue and break"] = (LoopTask, (log, gate) => Loop(log, gate)),
        ["awaiting finally inside await using inside awaiting finally"] = (AwaitUsingTask, (log, gate) => AwaitUsing(log, gate)),
        ["try/catch inside the finally block"] = (CatchInFinallyTask, (log, gate) => CatchInFinally(log, gate)),
        ["nested machine"] = (OuterTask, (log, gate) => Outer(log, gate)),
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Dispose_runs_the_finally_blocks_of_a_cancelled_async_Task_in_its_order(string scenario)
    {
        var (task, machine) = s_scenarios[scenario];

        var expected = new List<string>();
        using (var cancellation = new CancellationTokenSource())
        {
            var running = task(expected, cancellation.Token);
            cancellation.Cancel();
            Assert.True(((IAsyncResult)running).AsyncWaitHandle.WaitOne(StallLimit.Value), "the Task never finished");
            Assert.True(running.IsCanceled, $"the Task should end cancelled, not {running.Status}");
        }

        var actual = new List<string>();
        using (var executor = new LocalExecutor())
        {
            var gate = new Gate();
            executor.Spawn(new DisposeAtGate(machine(actual, gate), gate));
            executor.Run(); // the detached cleanup too
        }

        Assert.Equal(Snapshot(expected), Snapshot(actual));
        Assert.Contains("cancelled here", actual); // the cancellation happened where both twins wait
    }

    private static List<string> Snapshot(List<string> log)
    {
        lock (log) return [.. log];
    }

    private static void Add(List<string> log, string line)
    {
        lock (log) log.Add(line); // the Task twin's continuations run on pool threads (one at a time)
    }

    // ---- finally awaiting twice

    [PollAsync]
    private static async Future<int> TwoAwaits(List<string> log, Gate gate)
    {
        try
        {
            Add(log, "cancelled here");
            await gate;
            Add(log, "after the cancellation point");
        }
        finally
        {
            Add(log, "close");
            await Task.Yield();
            Add(log, "close 2");
            await Task.Delay(1);
            Add(log, "closed");
        }
        Add(log, "after try");
        return 1;
    }

    private static async Task<int> TwoAwaitsTask(List<string> log, CancellationToken ct)
    {
        try
        {
            Add(log, "cancelled here");
            await Task.Delay(Timeout.Infinite, ct);
            Add(log, "after the cancellation point");
        }
        finally
        {
            Add(log, "close");
            await Task.Yield();
            Add(log, "close 2");
            await Task.Delay(1);
            Add(log, "closed");
        }
        Add(log, "after try");
        return 1;
    }

    // ---- nested finally blocks (with and without awaits) and a using

    [PollAsync]
    private static async Future<int> Nested(List<string> log, Gate gate)
    {
        try
        {
            using (new Noted(log, "using"))
            {
                try
                {
                    try
                    {
                        Add(log, "cancelled here");
                        await gate;
                    }
                    finally
                    {
                        Add(log, "innermost finally, no await");
                    }
                }
                finally
                {
                    Add(log, "middle");
                    await Task.Delay(1);
                    Add(log, "middle done");
                }
            }
            Add(log, "after using");
        }
        finally
        {
            Add(log, "outer");
            await Task.Yield();
            Add(log, "outer done");
        }
        return 1;
    }

    private static async Task<int> NestedTask(List<string> log, CancellationToken ct)
    {
        try
        {
            using (new Noted(log, "using"))
            {
                try
                {
                    try
                    {
                        Add(log, "cancelled here");
                        await Task.Delay(Timeout.Infinite, ct);
                    }
                    finally
                    {
                        Add(log, "innermost finally, no await");
                    }
                }
                finally
                {
                    Add(log, "middle");
                    await Task.Delay(1);
                    Add(log, "middle done");
                }
            }
            Add(log, "after using");
        }
        finally
        {
            Add(log, "outer");
            await Task.Yield();
            Add(log, "outer done");
        }
        return 1;
    }

    // ---- a loop: continue and break through the awaiting finally before the cancellation

    [PollAsync]
    private static async Future<int> Loop(List<string> log, Gate gate)
    {
        var total = 0;
        for (var i = 0; i < 5; i++)
        {
            try
            {
                Add(log, "iteration " + i);
                if (i == 0) continue;
                if (i == 3) break;
                await Task.Yield();
            }
            finally
            {
                Add(log, "finally " + i);
                await Task.Yield();
                Add(log, "finally done " + i);
            }
            total += i;
        }
        try
        {
            Add(log, "cancelled here");
            await gate;
        }
        finally
        {
            Add(log, "last finally " + total);
            await Task.Yield();
            Add(log, "last finally done");
        }
        return total;
    }

    private static async Task<int> LoopTask(List<string> log, CancellationToken ct)
    {
        var total = 0;
        for (var i = 0; i < 5; i++)
        {
            try
            {
                Add(log, "iteration " + i);
                if (i == 0) continue;
                if (i == 3) break;
                await Task.Yield();
            }
            finally
            {
                Add(log, "finally " + i);
                await Task.Yield();
                Add(log, "finally done " + i);
            }
            total += i;
        }
        try
        {
            Add(log, "cancelled here");
            await Task.Delay(Timeout.Infinite, ct);
        }
        finally
        {
            Add(log, "last finally " + total);
            await Task.Yield();
            Add(log, "last finally done");
        }
        return total;
    }

    // ---- an awaiting finally inside an await using inside an awaiting finally's try

    [PollAsync]
    private static async Future<int> AwaitUsing(List<string> log, Gate gate)
    {
        try
        {
            await using (new AsyncNoted(log, "resource"))
            {
                try
                {
                    Add(log, "cancelled here");
                    await gate;
                }
                finally
                {
                    Add(log, "inner");
                    await Task.Yield();
                    Add(log, "inner done");
                }
            }
        }
        finally
        {
            Add(log, "outer");
            await Task.Yield();
            Add(log, "outer done");
        }
        return 1;
    }

    private static async Task<int> AwaitUsingTask(List<string> log, CancellationToken ct)
    {
        try
        {
            await using (new AsyncNoted(log, "resource"))
            {
                try
                {
                    Add(log, "cancelled here");
                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    Add(log, "inner");
                    await Task.Yield();
                    Add(log, "inner done");
                }
            }
        }
        finally
        {
            Add(log, "outer");
            await Task.Yield();
            Add(log, "outer done");
        }
        return 1;
    }

    // ---- a try/catch inside the finally block catches as usual while the cancellation unwinds

    [PollAsync]
    private static async Future<int> CatchInFinally(List<string> log, Gate gate)
    {
        try
        {
            Add(log, "cancelled here");
            await gate;
        }
        finally
        {
            try
            {
                await Task.Yield();
                throw new InvalidOperationException("close failed");
            }
            catch (InvalidOperationException error)
            {
                Add(log, "caught " + error.Message);
                await Task.Yield();
                Add(log, "handled");
            }
        }
        return 1;
    }

    private static async Task<int> CatchInFinallyTask(List<string> log, CancellationToken ct)
    {
        try
        {
            Add(log, "cancelled here");
            await Task.Delay(Timeout.Infinite, ct);
        }
        finally
        {
            try
            {
                await Task.Yield();
                throw new InvalidOperationException("close failed");
            }
            catch (InvalidOperationException error)
            {
                Add(log, "caught " + error.Message);
                await Task.Yield();
                Add(log, "handled");
            }
        }
        return 1;
    }

    // ---- a nested machine whose finally completes at once, inside one whose finally waits

    [PollAsync]
    private static async Future<int> Outer(List<string> log, Gate gate)
    {
        try
        {
            Add(log, "outer");
            return await Inner(log, gate) + 1;
        }
        finally
        {
            Add(log, "outer close");
            await Task.Yield();
            Add(log, "outer closed");
        }
    }

    [PollAsync]
    private static async Future<int> Inner(List<string> log, Gate gate)
    {
        try
        {
            Add(log, "cancelled here");
            return await gate;
        }
        finally
        {
            Add(log, "inner close");
            await Task.CompletedTask;
            Add(log, "inner closed");
        }
    }

    private static async Task<int> OuterTask(List<string> log, CancellationToken ct)
    {
        try
        {
            Add(log, "outer");
            return await InnerTask(log, ct) + 1;
        }
        finally
        {
            Add(log, "outer close");
            await Task.Yield();
            Add(log, "outer closed");
        }
    }

    private static async Task<int> InnerTask(List<string> log, CancellationToken ct)
    {
        try
        {
            Add(log, "cancelled here");
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }
        finally
        {
            Add(log, "inner close");
            await Task.CompletedTask;
            Add(log, "inner closed");
        }
    }

    private sealed class Noted(List<string> log, string name) : IDisposable
    {
        public void Dispose() => Add(log, "disposed " + name);
    }

    /// <summary>An <c>await using</c> resource whose disposal waits (a Task.Yield) before it finishes.</summary>
    private sealed class AsyncNoted(List<string> log, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Add(log, "disposing " + name);
            await Task.Yield();
            Add(log, "disposed " + name);
        }
    }
}
