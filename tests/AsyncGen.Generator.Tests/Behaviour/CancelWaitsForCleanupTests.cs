using Gate = AsyncGen.Generator.Tests.Behaviour.InProjectMachines.Gate;
using static AsyncGen.Generator.Tests.Behaviour.CancelledFinallyTests;

namespace AsyncGen.Generator.Tests.Behaviour;

/// <summary>
/// Whoever cancels a future waits for its cleanup, as whoever cancels an <c>async Task</c> and awaits it does:
/// <see cref="Future.Select{T1, T2}"/> returns the winner after the loser's finally block that waits ended,
/// <see cref="Time.Timeout{T}(IFuture{T}, TimeSpan)"/> throws after it, a task aborted through its
/// <see cref="JoinHandle{T}"/> completes (and its joiner sees the abort) after it. None of them detaches the cleanup
/// (<see cref="CancelledCleanup.Detached"/>), and none allocates when no finally block waits.
/// </summary>
[Collection(CleanupEventsCollection.Name)]
public partial class CancelWaitsForCleanupTests
{
    [PollAsync]
    private static async Future<int> Opened(Gate gate) => await gate + 1;

    [PollAsync]
    private static async Future<int> JoinAfterAbort(JoinHandle<int> handle, List<string> log)
    {
        handle.Abort();
        try
        {
            return await handle;
        }
        catch (OperationCanceledException)
        {
            Add(log, "joiner saw the abort");
            return 0;
        }
    }

    [Fact]
    public void Select_returns_the_winner_once_the_losers_finally_that_waits_ended()
    {
        using var events = new CleanupEvents();
        var log = new List<string>();

        // BlockOn disposes its executor when the select completes: a cleanup still running then would be cut.
        var winner = Executor.BlockOn(Future.Select(Work(new Gate(), log, waitInFinally: true), Quick()));

        Assert.Equal(2, winner.Second);
        Assert.Equal(["work", "close", "closed"], Snapshot(log));
        Assert.DoesNotContain("CancelledFinallyTests.Work", events.Detached);
        Assert.DoesNotContain(("CancelledFinallyTests.Work", 18), events.Skipped);
    }

    [Fact]
    public void Timeout_throws_once_the_finally_that_waits_of_the_future_it_cancels_ended()
    {
        using var events = new CleanupEvents();
        var log = new List<string>();

        Assert.Throws<TimeoutException>(() => Executor.BlockOn(Time.Timeout(Work(new Gate(), log, waitInFinally: true), TimeSpan.FromMilliseconds(1))));

        Assert.Equal(["work", "close", "closed"], Snapshot(log));
        Assert.DoesNotContain("CancelledFinallyTests.Work", events.Detached);
    }

    [Fact]
    public void The_exception_of_a_cancelled_futures_cleanup_replaces_the_timeout_as_in_C_sharp()
    {
        var log = new List<string>();

        var error = Assert.Throws<InvalidOperationException>(() =>
            Executor.BlockOn(Time.Timeout(ThrowingFinally(new Gate(), log, waitInFinally: true), TimeSpan.FromMilliseconds(1))));

        Assert.Equal("close failed", error.Message);
        Assert.Equal(["close", "outer finally"], Snapshot(log));
    }

    [Fact]
    public void A_joiner_of_an_aborted_task_sees_the_abort_after_the_tasks_finally_that_waits_ran()
    {
        using var events = new CleanupEvents();
        using var executor = new LocalExecutor();
        var log = new List<string>();
        var handle = executor.Spawn(Work(new Gate(), log, waitInFinally: true));
        executor.BlockOn(Quick()); // the task runs to its gate

        executor.Spawn(JoinAfterAbort(handle, log));
        executor.Run();

        Assert.Equal(["work", "close", "closed", "joiner saw the abort"], Snapshot(log));
        Assert.DoesNotContain("CancelledFinallyTests.Work", events.Detached); // the task itself finished its cleanup
    }

    [Fact]
    public void A_task_aborted_while_its_finally_waits_counts_as_running_cleanup_until_it_ends()
    {
        using var events = new CleanupEvents();
        using var executor = new LocalExecutor();
        var log = new List<string>();
        var closing = new Gate();
        var handle = executor.Spawn(Work(new Gate(), log, waitInFinally: false, closing));
        executor.BlockOn(Quick());
        handle.Abort();
        executor.BlockOn(Quick()); // the abort runs: the block waits for its gate, in the aborted task

        Assert.True(CancelledCleanup.Running > 0); // what a host waits for before disposing its executor
        Assert.False(handle.IsCompleted);

        closing.Open = true;
        handle.Abort(); // the gate wakes no one; a second abort wakes the task, which polls its cleanup on
        executor.Run();

        Assert.True(handle.IsCompleted);
        Assert.Equal(["work", "close", "closed"], Snapshot(log));
        Assert.DoesNotContain(("CancelledFinallyTests.Work", 18), events.Skipped);
    }

    [Fact]
    public void Tasks_aborted_concurrently_on_a_work_stealing_executor_each_finish_their_finally_once_before_completing()
    {
        const int Tasks = 200; // enough aborts to land while workers poll, wake and steal; fast (no sleeps)
        using var executor = new WorkStealingExecutor(2);
        var logs = new List<string>[Tasks];
        var handles = new JoinHandle<int>[Tasks];
        for (int i = 0; i < Tasks; i++)
        {
            logs[i] = new List<string>();
            handles[i] = executor.Spawn(Work(new Gate(), logs[i], waitInFinally: true));
        }
        Assert.True(SpinWait.SpinUntil(() => logs.All(log => Snapshot(log).Contains("work")), TimeSpan.FromSeconds(30)));

        Parallel.For(0, Tasks, i => handles[i].Abort()); // from several threads while the workers run

        Assert.True(SpinWait.SpinUntil(() => handles.All(h => h.IsCompleted), TimeSpan.FromSeconds(30)), "an aborted task never completed");
        foreach (var log in logs) Assert.Equal(["work", "close", "closed"], Snapshot(log)); // each finally once, to its end
    }

    [Fact]
    public void Select_and_Timeout_allocate_nothing_to_cancel_a_future_whose_finally_does_not_wait()
    {
        SelectLoserCancellation(); // warm up: JIT and statics
        TimeoutCancelInPlace();

        Assert.Equal(0, SelectLoserCancellation());
        Assert.Equal(0, TimeoutCancelInPlace());
    }

    private static long SelectLoserCancellation()
    {
        var log = new List<string>(8);
        var gate = new Gate();
        var select = Future.Select(Work(new Gate(), log, waitInFinally: false), Opened(gate));
        var cx = new Context(Waker.Noop);
        Assert.True(select.Poll(ref cx).IsPending);
        gate.Open = true;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = select.Poll(ref cx); // the winner is ready: the loser is cancelled in place, its finally runs
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2, result.Value.Second);
        Assert.Equal(["work", "close", "closed"], log);
        return allocated;
    }

    /// <summary>A parent cancelling in place cancels the timeout it awaits the same way (on an executor: its timer wheel).</summary>
    private static long TimeoutCancelInPlace()
    {
        var log = new List<string>(8);
        using var executor = new LocalExecutor();
        long allocated = executor.BlockOn(new CancelsTimeoutInPlace(Time.Timeout(Work(new Gate(), log, waitInFinally: false), TimeSpan.FromHours(1))));
        Assert.Equal(["work", "close", "closed"], log);
        return allocated;
    }

    /// <summary>Polls the timeout once (it waits), then measures its in-place cancel and the poll that finishes the cleanup.</summary>
    private sealed class CancelsTimeoutInPlace(TimeoutFuture<int> timeout) : IFuture<long>
    {
        private TimeoutFuture<int> _timeout = timeout;

        public Poll<long> Poll(ref Context cx)
        {
            Assert.True(_timeout.Poll(ref cx).IsPending);
            long before = GC.GetAllocatedBytesForCurrentThread();
            // A finally block that awaits is left to the caller's poll, which finishes it at once here.
            bool finished = !_timeout.CancelInPlace() || _timeout.Poll(ref cx).IsReady;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(finished);
            return Poll<long>.Ready(allocated);
        }
    }

    [PollAsync]
    private static async Future<int> AwaitHandle(JoinHandle<int> child, List<string> log)
    {
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
    private static async Future<int> SpawnAndAwait(List<string> log)
    {
        var child = Executor.Spawn(Work(new Gate(), log, waitInFinally: true));
        try
        {
            return await child;
        }
        finally
        {
            Add(log, "parent close");
        }
    }

    [Fact]
    public void Join_and_JoinAll_allocate_nothing_to_cancel_their_futures_in_place_when_no_finally_waits()
    {
        JoinCancelInPlace(); // warm up: JIT and statics
        JoinAllCancelInPlace();

        Assert.Equal(0, JoinCancelInPlace());
        Assert.Equal(0, JoinAllCancelInPlace());
    }

    private static long JoinCancelInPlace()
    {
        var log = new List<string>(8);
        var join = Future.Join(Work(new Gate(), log, waitInFinally: false), Work(new Gate(), log, waitInFinally: false));
        var cx = new Context(Waker.Noop);
        Assert.True(join.Poll(ref cx).IsPending);
        long before = GC.GetAllocatedBytesForCurrentThread();
        // A parent cancelled while it awaits the join: a finally block that awaits is left to the caller's poll, which
        // finishes both at once here.
        bool finished = !join.CancelInPlace() || join.Poll(ref cx).IsReady;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(finished);
        Assert.Equal(["work", "work", "close", "closed", "close", "closed"], log);
        return allocated;
    }

    private static long JoinAllCancelInPlace()
    {
        var log = new List<string>(8);
        var join = Future.JoinAll([Work(new Gate(), log, waitInFinally: false), Work(new Gate(), log, waitInFinally: false)]);
        var cx = new Context(Waker.Noop);
        Assert.True(join.Poll(ref cx).IsPending);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool finished = !join.CancelInPlace() || join.Poll(ref cx).IsReady;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(finished);
        Assert.Equal(["work", "work", "close", "closed", "close", "closed"], log);
        return allocated;
    }

    [Fact]
    public void A_join_cancelled_in_place_is_ready_only_once_a_sides_finally_that_waits_ended()
    {
        var log = new List<string>(8);
        var join = Future.Join(Work(new Gate(), log, waitInFinally: true), Work(new Gate(), log, waitInFinally: false));
        var cx = new Context(Waker.Noop);
        Assert.True(join.Poll(ref cx).IsPending);

        Assert.True(join.CancelInPlace()); // finally blocks that await are left to the join's poll
        Assert.Equal(["work", "work"], log);
        Assert.True(join.Poll(ref cx).IsPending); // the first side's block waits (a yield)
        Assert.Equal(["work", "work", "close", "close", "closed"], log);
        Assert.True(join.Poll(ref cx).IsReady);
        Assert.Equal(["work", "work", "close", "close", "closed", "closed"], log);
    }

    [Fact]
    public void A_machine_awaiting_a_spawned_tasks_handle_allocates_nothing_to_cancel_in_place_and_finish()
    {
        Assert.Equal((0, 0), HandleCancelInPlace(new List<string>(8))); // warm up: JIT and statics
        var log = new List<string>(8);
        Assert.Equal((0, 0), HandleCancelInPlace(log));
        Assert.Equal(["work", "close", "closed", "parent close"], log); // the child's cleanup before the parent's
    }

    /// <summary>The bytes of the parent's in-place cancel (which aborts the child) and of its poll once the child ended.</summary>
    private static (long Cancel, long Finish) HandleCancelInPlace(List<string> log)
    {
        using var executor = new LocalExecutor();
        var child = executor.Spawn(Work(new Gate(), log, waitInFinally: false));
        executor.BlockOn(Quick()); // the child runs to its gate
        var parent = AwaitHandle(child, log);
        var cx = new Context(Waker.Noop);
        Assert.True(parent.Poll(ref cx).IsPending);

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool waits = parent.CancelInPlace(); // aborts the child: its executor runs the cleanup, the parent waits for it
        long cancel = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(waits);
        Assert.DoesNotContain("parent close", log);

        executor.Run(); // the abort: the child's finally runs and the task completes (its OperationCanceledException is the abort's)
        before = GC.GetAllocatedBytesForCurrentThread();
        bool ready = parent.Poll(ref cx).IsReady;
        long finish = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(ready);
        return (cancel, finish);
    }

    [Fact]
    public void A_parent_disposed_while_it_awaits_a_spawned_task_detaches_the_wait_for_its_cleanup_counted()
    {
        using var events = new CleanupEvents();
        var log = new List<string>();
        using (var executor = new LocalExecutor())
        {
            executor.Spawn(new PollThenDispose<int>(SpawnAndAwait(log)));
            executor.Run(); // the detached parent (waiting for the aborted child) too
        }

        Assert.Equal(["work", "close", "closed", "parent close"], Snapshot(log));
        Assert.Contains("CancelWaitsForCleanupTests.SpawnAndAwait", events.Detached);
    }

    [Fact]
    public void Parents_aborted_concurrently_on_a_work_stealing_executor_each_finish_after_their_childs_cleanup()
    {
        const int Parents = 100; // each with a child task: aborts land while workers poll, wake and steal; fast (no sleeps)
        using var executor = new WorkStealingExecutor(2);
        var logs = new List<string>[Parents];
        var handles = new JoinHandle<int>[Parents];
        for (int i = 0; i < Parents; i++)
        {
            logs[i] = new List<string>();
            handles[i] = executor.Spawn(SpawnAndAwait(logs[i]));
        }
        Assert.True(SpinWait.SpinUntil(() => logs.All(log => Snapshot(log).Contains("work")), TimeSpan.FromSeconds(30)));

        Parallel.For(0, Parents, i => handles[i].Abort()); // from several threads while the workers run

        Assert.True(SpinWait.SpinUntil(() => handles.All(h => h.IsCompleted), TimeSpan.FromSeconds(30)), "an aborted parent never completed");
        foreach (var log in logs) Assert.Equal(["work", "close", "closed", "parent close"], Snapshot(log));
    }

    [PollAsync]
    private static async Future<int> ShutdownThenLog(JoinSet<int> set, List<string> log)
    {
        await set.Shutdown();
        Add(log, "after shutdown");
        return set.Count;
    }

    [Fact]
    public void JoinSet_Shutdown_aborts_its_tasks_and_completes_once_their_finally_blocks_that_wait_ended()
    {
        using var events = new CleanupEvents();
        using var executor = new LocalExecutor();
        using var set = new JoinSet<int>();
        var first = new List<string>();
        var second = new List<string>();
        set.Spawn(executor, Work(new Gate(), first, waitInFinally: true));
        set.Spawn(executor, Work(new Gate(), second, waitInFinally: true));
        executor.BlockOn(Quick()); // both run to their gates

        var log = new List<string>();
        Assert.Equal(0, executor.BlockOn(ShutdownThenLog(set, log)));

        Assert.Equal(["work", "close", "closed"], Snapshot(first));
        Assert.Equal(["work", "close", "closed"], Snapshot(second));
        Assert.Equal(["after shutdown"], Snapshot(log));
        Assert.DoesNotContain(events.Detached, name => name.Contains("Work", StringComparison.Ordinal)); // each task finished its cleanup, awaited
    }

    [Fact]
    public void JoinSet_Shutdown_allocates_nothing_when_no_finally_waits()
    {
        Assert.Equal(0, ShutdownOfTwo()); // warm up: JIT and statics
        Assert.Equal(0, ShutdownOfTwo());
    }

    /// <summary>The bytes of the shutdown's polls (the aborts, not measured, allocate each task's OperationCanceledException).</summary>
    private static long ShutdownOfTwo()
    {
        var log = new List<string>(8);
        using var executor = new LocalExecutor();
        using var set = new JoinSet<int>();
        set.Spawn(executor, Quick()); // a first task in and out: the set's free list allocates its array once
        executor.Run();
        Assert.True(set.TryJoinNext(out _));
        set.Spawn(executor, Work(new Gate(), log, waitInFinally: false));
        set.Spawn(executor, Work(new Gate(), log, waitInFinally: false));
        executor.BlockOn(Quick());
        var shutdown = set.Shutdown();
        var cx = new Context(Waker.Noop);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool ready = shutdown.Poll(ref cx).IsReady; // aborts both
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(ready);
        executor.Run(); // the aborts run the finally blocks and complete the tasks
        before = GC.GetAllocatedBytesForCurrentThread();
        ready = shutdown.Poll(ref cx).IsReady;
        allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(ready);
        Assert.Equal(0, set.Count);
        Assert.Equal(["work", "work", "close", "closed", "close", "closed"], log);
        return allocated;
    }

    [Fact]
    public void CancelAsync_allocates_nothing_when_no_finally_waits()
    {
        Assert.Equal(0, CancelAsyncOfWork()); // warm up: JIT and statics
        Assert.Equal(0, CancelAsyncOfWork());
    }

    private static long CancelAsyncOfWork()
    {
        var log = new List<string>(8);
        var future = Work(new Gate(), log, waitInFinally: false);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);
        var cancel = future.CancelAsync();
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool ready = cancel.Poll(ref cx).IsReady;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(ready);
        Assert.Equal(["work", "close", "closed"], log);
        return allocated;
    }

    [Fact]
    public void Disposing_a_JoinHandle_or_a_JoinSet_does_not_wait_and_counts_a_cleanup_that_waits_as_detached()
    {
        using var events = new CleanupEvents();
        using var executor = new LocalExecutor();
        var log = new List<string>();
        var quiet = new List<string>();
        var handle = executor.Spawn(Work(new Gate(), log, waitInFinally: true));
        var joined = executor.Spawn(Work(new Gate(), quiet, waitInFinally: true));
        var set = new JoinSet<int>();
        var inSet = new List<string>();
        set.Spawn(executor, Work(new Gate(), inSet, waitInFinally: true));
        executor.BlockOn(Quick()); // the tasks run to their gates
        long detached = CancelledCleanup.Detached;

        handle.Dispose(); // let go of: its cleanup goes on with no one waiting
        set.Dispose();
        joined.Abort();   // aborted by a holder that may still join: not detached
        executor.Run();

        Assert.Equal(["work", "close", "closed"], Snapshot(log)); // the cleanup still ran to its end, in the task
        Assert.Equal(["work", "close", "closed"], Snapshot(inSet));
        Assert.Equal(["work", "close", "closed"], Snapshot(quiet));
        Assert.True(CancelledCleanup.Detached - detached >= 2); // process-wide: other tests may add to it
        Assert.Equal(["WorkFuture", "WorkFuture"], events.Detached.Where(name => name.Contains("Work", StringComparison.Ordinal))); // named by the task
    }

    [PollAsync]
    private static async Future<int> FailsAfterYield()
    {
        await Future.Yield();
        throw new InvalidOperationException("failed");
    }

    [PollAsync]
    private static async Future<int> JoinAllOfTasksOneFailing(List<string>[] logs, JoinHandle<int>[] spawned)
    {
        var handles = new List<JoinHandle<int>>();
        for (int i = 0; i < logs.Length; i++) handles.Add(spawned[i] = Executor.Spawn(Work(new Gate(), logs[i], waitInFinally: true)));
        handles.Add(Executor.Spawn(FailsAfterYield()));
        try
        {
            await Future.JoinAll(handles);
            return -1;
        }
        catch (InvalidOperationException)
        {
            // Every other task was aborted and has ended, its finally included, before the failure got here.
            for (int i = 0; i < spawned.Length; i++)
            {
                var lines = Snapshot(logs[i]); // a task aborted before its first poll ran nothing, as a Task cancelled before it ran
                if (!spawned[i].IsCompleted || (lines.Contains("work") && !lines.Contains("closed"))) return i;
            }
            return logs.Length;
        }
    }

    [Fact]
    public void JoinAll_of_tasks_on_a_work_stealing_executor_throws_only_after_every_aborted_task_ended()
    {
        const int Tasks = 50; // spread over two workers: the aborts and completions race with the joiner's polls
        using var executor = new WorkStealingExecutor(2);
        for (int round = 0; round < 4; round++)
        {
            var logs = Enumerable.Range(0, Tasks).Select(_ => new List<string>()).ToArray();
            var spawned = new JoinHandle<int>[Tasks];
            Assert.Equal(Tasks, executor.BlockOn(JoinAllOfTasksOneFailing(logs, spawned)));
            foreach (var log in logs)
            {
                var lines = Snapshot(log);
                if (lines.Count > 0) Assert.Equal(["work", "close", "closed"], lines); // once, to its end
            }
        }
    }

    [Fact]
    public void A_struct_future_boxed_by_AsFuture_passes_the_in_place_cancel_on_to_it()
    {
        using var events = new CleanupEvents();
        var log = new List<string>(8);
        var boxed = Future.Select(Work(new Gate(), log, waitInFinally: true), new Gate()).AsFuture(); // a struct, boxed
        var cx = new Context(Waker.Noop);
        Assert.True(boxed.Poll(ref cx).IsPending);

        Assert.True(boxed.CancelInPlace()); // the select's side waits in its finally: left to the caller's polls
        while (boxed.Poll(ref cx).IsPending) { }

        Assert.Equal(["work", "close", "closed"], log);
        Assert.DoesNotContain("CancelledFinallyTests.Work", events.Detached);
    }

    private static List<string> Snapshot(List<string> log)
    {
        lock (log) return [.. log];
    }

    private static void Add(List<string> log, string entry)
    {
        lock (log) log.Add(entry);
    }
}
