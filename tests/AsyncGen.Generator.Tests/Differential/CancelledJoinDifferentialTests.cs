using Gate = AsyncGen.Generator.Tests.Behaviour.InProjectMachines.Gate;

namespace AsyncGen.Generator.Tests.Differential;

/// <summary>
/// Joins and spawned tasks cancelled the way .NET code cancels tasks it waits for, each written as <c>async Task</c>
/// methods cancelled through a token and as <c>[PollAsync]</c> machines: a join whose side fails cancels the others and
/// throws only once their <c>finally</c> blocks that await ended (<c>Task.WhenAll</c> over tasks cancelled on the
/// first failure), and a parent aborted while it awaits a spawned task's handle waits for the task's cleanup before
/// its own (a child <c>Task.Run</c> with the parent's token). The same lines must come in the same order, the
/// joiner's last.
/// </summary>
public partial class CancelledJoinDifferentialTests
{
    [Fact]
    public void A_join_whose_side_fails_throws_after_the_other_sides_finally_that_waits_as_Task_WhenAll_does()
    {
        var expected = new List<string>();
        Assert.Equal(-1, Wait(JoinTask(expected)));

        var actual = new List<string>();
        Assert.Equal(-1, Executor.BlockOn(JoinMachine(actual, new Gate())));

        Assert.Equal(["a", "b", "a fails", "b close", "b closed", "joiner caught a failed"], Snapshot(expected));
        Assert.Equal(Snapshot(expected), Snapshot(actual));
    }

    [Fact]
    public void JoinAll_of_tasks_one_fails_aborts_the_others_and_throws_after_their_cleanup_as_Task_WhenAll_does()
    {
        var expected = new List<string>();
        Assert.Equal(-1, Wait(JoinAllTask(expected)));

        var actual = new List<string>();
        Assert.Equal(-1, Executor.BlockOn(JoinAllMachine(actual, new Gate())));

        Assert.Equal(["b", "a", "a fails", "b close", "b closed", "joiner caught a failed"], Snapshot(expected));
        Assert.Equal(Snapshot(expected), Snapshot(actual));
    }

    [Fact]
    public void A_parent_aborted_while_it_awaits_a_spawned_task_runs_its_finally_after_the_tasks_as_with_a_shared_token()
    {
        var expected = new List<string>();
        using (var cancellation = new CancellationTokenSource())
        {
            var parent = ParentTask(expected, cancellation.Token);
            Assert.True(SpinWait.SpinUntil(() => Snapshot(expected).Contains("b"), StallLimit.Value));
            cancellation.Cancel();
            Assert.Equal(0, Wait(JoinerTask(parent, expected)));
        }

        var actual = new List<string>();
        using (var executor = new LocalExecutor())
        {
            var gate = new Gate();
            var parent = executor.Spawn(ParentMachine(actual, gate));
            executor.BlockOn(Future.Yield()); // the parent spawns the child, which runs to its gate
            Assert.Contains("b", Snapshot(actual));
            Assert.Equal(0, executor.BlockOn(JoinerMachine(parent, actual)));
        }

        Assert.Equal(["b", "b close", "b closed", "parent close", "joiner saw the abort"], Snapshot(expected));
        Assert.Equal(Snapshot(expected), Snapshot(actual));
    }

    [Fact]
    public void CancelAsync_of_a_suspended_future_completes_after_its_finally_that_waits_as_Cancel_then_await_does()
    {
        var expected = new List<string>();
        using (var cancellation = new CancellationTokenSource())
        {
            var running = SiblingTask(expected, cancellation.Token);
            Assert.Equal(0, Wait(CancelThenAwaitTask(running, cancellation, expected)));
        }

        var actual = new List<string>();
        var future = Sibling(actual, new Gate());
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending); // suspended at its gate
        Assert.Equal(0, Executor.BlockOn(CancelAsyncMachine(future, actual)));

        Assert.Equal(["b", "b close", "b closed", "after cancel"], Snapshot(expected));
        Assert.Equal(Snapshot(expected), Snapshot(actual));
    }

    [Fact]
    public void CancelAsync_of_a_spawned_tasks_handle_completes_after_the_tasks_finally_that_waits_as_Cancel_then_await_does()
    {
        var expected = new List<string>();
        using (var cancellation = new CancellationTokenSource())
        {
            var running = Task.Run(() => SiblingTask(expected, cancellation.Token), CancellationToken.None);
            Assert.True(SpinWait.SpinUntil(() => Snapshot(expected).Contains("b"), StallLimit.Value));
            Assert.Equal(0, Wait(CancelThenAwaitTask(running, cancellation, expected)));
        }

        var actual = new List<string>();
        using (var executor = new LocalExecutor())
        {
            var child = executor.Spawn(Sibling(actual, new Gate()));
            executor.BlockOn(Future.Yield()); // the child runs to its gate
            Assert.Equal(0, executor.BlockOn(CancelHandleMachine(child, actual)));
            Assert.True(child.IsCompleted);
        }

        Assert.Equal(["b", "b close", "b closed", "after cancel"], Snapshot(expected));
        Assert.Equal(Snapshot(expected), Snapshot(actual));
    }

    private static async Task<int> CancelThenAwaitTask(Task<int> running, CancellationTokenSource cancellation, List<string> log)
    {
        cancellation.Cancel();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }
        Add(log, "after cancel");
        return 0;
    }

    [PollAsync]
    private static async Future<int> CancelAsyncMachine(Future<int> running, List<string> log)
    {
        await running.CancelAsync();
        Add(log, "after cancel");
        return 0;
    }

    [PollAsync]
    private static async Future<int> CancelHandleMachine(JoinHandle<int> running, List<string> log)
    {
        await running.CancelAsync();
        Add(log, "after cancel");
        return 0;
    }

    private static int Wait(Task<int> task)
    {
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(StallLimit.Value), "the Task never finished");
        return task.Result;
    }

    private static List<string> Snapshot(List<string> log)
    {
        lock (log) return [.. log];
    }

    private static void Add(List<string> log, string line)
    {
        lock (log) log.Add(line); // the Task twins' continuations run on pool threads (one at a time)
    }

    // ---- the sides: one fails after a yield, the other waits at a gate that never opens, its finally awaits

    [PollAsync]
    private static async Future<int> Failing(List<string> log)
    {
        Add(log, "a");
        await Future.Yield();
        Add(log, "a fails");
        throw new InvalidOperationException("a failed");
    }

    [PollAsync]
    private static async Future<int> Sibling(List<string> log, Gate gate)
    {
        try
        {
            Add(log, "b");
            await gate;
            Add(log, "b after");
            return 1;
        }
        finally
        {
            Add(log, "b close");
            await Future.Yield();
            Add(log, "b closed");
        }
    }

    private static async Task<int> FailingTask(List<string> log, Task go)
    {
        Add(log, "a");
        await go;
        Add(log, "a fails");
        throw new InvalidOperationException("a failed");
    }

    private static async Task<int> SiblingTask(List<string> log, CancellationToken ct)
    {
        try
        {
            Add(log, "b");
            await Task.Delay(Timeout.Infinite, ct);
            Add(log, "b after");
            return 1;
        }
        finally
        {
            Add(log, "b close");
            await Task.Yield();
            Add(log, "b closed");
        }
    }

    /// <summary>What <c>Future.Join</c> does, in .NET: the first failure cancels the others, and the join awaits them all.</summary>
    private static void CancelOnFailure(Task task, CancellationTokenSource others) =>
        task.ContinueWith(_ => others.Cancel(), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    // ---- Future.Join of two futures

    [PollAsync]
    private static async Future<int> JoinMachine(List<string> log, Gate gate)
    {
        try
        {
            var (a, b) = await Future.Join(Failing(log), Sibling(log, gate));
            return a + b;
        }
        catch (InvalidOperationException e)
        {
            Add(log, "joiner caught " + e.Message);
            return -1;
        }
    }

    private static async Task<int> JoinTask(List<string> log)
    {
        using var others = new CancellationTokenSource();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = FailingTask(log, go.Task); // both start, as the join's first poll starts both
        var b = SiblingTask(log, others.Token);
        CancelOnFailure(a, others);
        go.SetResult();
        try
        {
            var results = await Task.WhenAll(a, b);
            return results[0] + results[1];
        }
        catch (InvalidOperationException e)
        {
            Add(log, "joiner caught " + e.Message);
            return -1;
        }
    }

    // ---- Future.JoinAll of spawned tasks' handles

    [PollAsync]
    private static async Future<int> JoinAllMachine(List<string> log, Gate gate)
    {
        var handles = new List<JoinHandle<int>> { Executor.Spawn(Sibling(log, gate)), Executor.Spawn(Failing(log)) };
        try
        {
            var results = await Future.JoinAll(handles);
            return results.Sum();
        }
        catch (InvalidOperationException e)
        {
            Add(log, "joiner caught " + e.Message);
            return -1;
        }
    }

    private static async Task<int> JoinAllTask(List<string> log)
    {
        using var others = new CancellationTokenSource();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var b = SiblingTask(log, others.Token); // in spawn order: the machine's tasks start in the order spawned
        var a = FailingTask(log, go.Task);
        CancelOnFailure(a, others);
        go.SetResult();
        try
        {
            var results = await Task.WhenAll(b, a);
            return results.Sum();
        }
        catch (InvalidOperationException e)
        {
            Add(log, "joiner caught " + e.Message);
            return -1;
        }
    }

    // ---- a parent awaiting a spawned task's handle, aborted

    [PollAsync]
    private static async Future<int> ParentMachine(List<string> log, Gate gate)
    {
        var child = Executor.Spawn(Sibling(log, gate));
        try
        {
            return await child;
        }
        finally
        {
            Add(log, "parent close");
        }
    }

    [PollAsync]
    private static async Future<int> JoinerMachine(JoinHandle<int> parent, List<string> log)
    {
        parent.Abort();
        try
        {
            return await parent;
        }
        catch (OperationCanceledException)
        {
            Add(log, "joiner saw the abort");
            return 0;
        }
    }

    private static async Task<int> ParentTask(List<string> log, CancellationToken ct)
    {
        var child = Task.Run(() => SiblingTask(log, ct), CancellationToken.None);
        try
        {
            return await child;
        }
        finally
        {
            Add(log, "parent close");
        }
    }

    private static async Task<int> JoinerTask(Task<int> parent, List<string> log)
    {
        try
        {
            return await parent;
        }
        catch (OperationCanceledException)
        {
            Add(log, "joiner saw the abort");
            return 0;
        }
    }
}
