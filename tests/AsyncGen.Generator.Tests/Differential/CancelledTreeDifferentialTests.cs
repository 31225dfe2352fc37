using Gate = AsyncGen.Generator.Tests.Behaviour.InProjectMachines.Gate;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// A call tree cancelled while its innermost method awaits, written as <c>async Task</c> methods cancelled through
/// their token and as nested <c>[PollAsync]</c> machines disposed at the same await: each level's finally block waits
/// (a real <c>Task.Yield</c>/<c>Task.Delay</c>), so the machines clean up through the cancel-in-place protocol
/// (a parent polls its child's cleanup before it runs its own) and must log the same lines in the same order as C#,
/// innermost first. An exception thrown by a child's finally replaces the cancellation in both.
/// </summary>
public partial class CancelledTreeDifferentialTests
{
    public static TheoryData<string> Scenarios => new(s_scenarios.Keys);

    private static readonly Dictionary<string, (Func<List<string>, CancellationToken, Task<int>> Task, Func<List<string>, Gate, Future<int>> Machine)> s_scenarios = new()
    {
        ["two levels, both finally blocks wait"] = ((log, ct) => MiddleTask(log, ct), (log, gate) => Middle(log, gate)),
        ["three levels, every finally waits"] = (TopTask, (log, gate) => Top(log, gate)),
        ["three levels, the middle one has only a using"] = (UsingTopTask, (log, gate) => UsingTop(log, gate)),
        ["a child's finally throws through its parent's"] = (ThrowingTopTask, (log, gate) => ThrowingTop(log, gate)),
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void A_cancelled_call_tree_cleans_up_innermost_first_as_async_Task_does(string scenario)
    {
        var (task, machine) = s_scenarios[scenario];

        var expected = new List<string>();
        string? expectedError;
        using (var cancellation = new CancellationTokenSource())
        {
            var running = task(expected, cancellation.Token);
            cancellation.Cancel();
            Assert.True(((IAsyncResult)running).AsyncWaitHandle.WaitOne(StallLimit.Value), "the Task never finished");
            expectedError = running.IsCanceled ? null : running.Exception!.InnerException!.Message;
        }

        var actual = new List<string>();
        var failures = new List<string>();
        EventHandler<Diagnostics.UnobservedTaskFailureEventArgs> handler = (_, e) =>
        {
            if (e.TaskName.Contains("CancelledTreeDifferentialTests", StringComparison.Ordinal)) lock (failures) failures.Add(e.Exception.Message);
        };
        Diagnostics.RuntimeDiagnostics.UnobservedTaskFailure += handler;
        try
        {
            using var executor = new LocalExecutor();
            var gate = new Gate();
            executor.Spawn(new DisposeAtGate(machine(actual, gate), gate));
            executor.Run(); // the detached cleanup too
        }
        finally
        {
            Diagnostics.RuntimeDiagnostics.UnobservedTaskFailure -= handler;
        }

        Assert.Equal(Snapshot(expected), Snapshot(actual));
        Assert.Contains("cancelled here", actual);
        // The detached tree's failure has no one to observe it: reported, with the exception C#'s Task faulted with.
        if (expectedError is null) Assert.Empty(failures);
        else Assert.Equal([expectedError], failures);
    }

    private static List<string> Snapshot(List<string> log)
    {
        lock (log) return [.. log];
    }

    private static void Add(List<string> log, string line)
    {
        lock (log) log.Add(line); // the Task twin's continuations run on pool threads (one at a time)
    }

    private sealed class Noted(List<string> log, string name) : IDisposable
    {
        public void Dispose() => Add(log, "dispose " + name);
    }

    // ---- three levels, every finally waits (the two-level scenario starts at Middle)

    [PollAsync]
    private static async Future<int> Top(List<string> log, Gate gate)
    {
        try
        {
            return await Middle(log, gate) + 1;
        }
        finally
        {
            Add(log, "top close");
            await Task.Delay(1);
            Add(log, "top closed");
        }
    }

    [PollAsync]
    private static async Future<int> Middle(List<string> log, Gate gate)
    {
        try
        {
            Add(log, "middle");
            return await Leaf(log, gate) + 1;
        }
        finally
        {
            Add(log, "middle close");
            await Task.Yield();
            Add(log, "middle closed");
        }
    }

    [PollAsync]
    private static async Future<int> Leaf(List<string> log, Gate gate)
    {
        try
        {
            Add(log, "cancelled here");
            await gate;
            return 1;
        }
        finally
        {
            Add(log, "leaf close");
            await Task.Yield();
            Add(log, "leaf close 2");
            await Task.Delay(1);
            Add(log, "leaf closed");
        }
    }

    private static async Task<int> TopTask(List<string> log, CancellationToken ct)
    {
        try
        {
            return await MiddleTask(log, ct) + 1;
        }
        finally
        {
            Add(log, "top close");
            await Task.Delay(1);
            Add(log, "top closed");
        }
    }

    private static async Task<int> MiddleTask(List<string> log, CancellationToken ct)
    {
        try
        {
            Add(log, "middle");
            return await LeafTask(log, ct) + 1;
        }
        finally
        {
            Add(log, "middle close");
            await Task.Yield();
            Add(log, "middle closed");
        }
    }

    private static async Task<int> LeafTask(List<string> log, CancellationToken ct)
    {
        try
        {
            Add(log, "cancelled here");
            await Task.Delay(Timeout.Infinite, ct);
            return 1;
        }
        finally
        {
            Add(log, "leaf close");
            await Task.Yield();
            Add(log, "leaf close 2");
            await Task.Delay(1);
            Add(log, "leaf closed");
        }
    }

    // ---- three levels, the middle one has only a using and a finally without awaits

    [PollAsync]
    private static async Future<int> UsingTop(List<string> log, Gate gate)
    {
        try
        {
            return await UsingMiddle(log, gate);
        }
        finally
        {
            Add(log, "top close");
            await Task.Yield();
            Add(log, "top closed");
        }
    }

    [PollAsync]
    private static async Future<int> UsingMiddle(List<string> log, Gate gate)
    {
        using var resource = new Noted(log, "middle resource");
        try
        {
            return await Leaf(log, gate);
        }
        finally
        {
            Add(log, "middle finally, no await");
        }
    }

    private static async Task<int> UsingTopTask(List<string> log, CancellationToken ct)
    {
        try
        {
            return await UsingMiddleTask(log, ct);
        }
        finally
        {
            Add(log, "top close");
            await Task.Yield();
            Add(log, "top closed");
        }
    }

    private static async Task<int> UsingMiddleTask(List<string> log, CancellationToken ct)
    {
        using var resource = new Noted(log, "middle resource");
        try
        {
            return await LeafTask(log, ct);
        }
        finally
        {
            Add(log, "middle finally, no await");
        }
    }

    // ---- a child's finally throws (after waiting): the parent's finally blocks still run, the exception surfaces

    [PollAsync]
    private static async Future<int> ThrowingTop(List<string> log, Gate gate)
    {
        try
        {
            return await ThrowingChild(log, gate);
        }
        finally
        {
            Add(log, "top close");
            await Task.Yield();
            Add(log, "top closed");
        }
    }

    [PollAsync]
    private static async Future<int> ThrowingChild(List<string> log, Gate gate)
    {
        try
        {
            Add(log, "cancelled here");
            await gate;
            return 1;
        }
        finally
        {
            Add(log, "child close");
            await Task.Yield();
            throw new InvalidOperationException("child close failed");
        }
    }

    private static async Task<int> ThrowingTopTask(List<string> log, CancellationToken ct)
    {
        try
        {
            return await ThrowingChildTask(log, ct);
        }
        finally
        {
            Add(log, "top close");
            await Task.Yield();
            Add(log, "top closed");
        }
    }

    private static async Task<int> ThrowingChildTask(List<string> log, CancellationToken ct)
    {
        try
        {
            Add(log, "cancelled here");
            await Task.Delay(Timeout.Infinite, ct);
            return 1;
        }
        finally
        {
            Add(log, "child close");
            await Task.Yield();
            throw new InvalidOperationException("child close failed");
        }
    }
}
