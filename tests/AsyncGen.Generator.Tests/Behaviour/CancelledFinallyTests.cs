using System.Diagnostics.Tracing;
using AsyncGen.Diagnostics;
using Gate = AsyncGen.Generator.Tests.Behaviour.InProjectMachines.Gate;

namespace AsyncGen.Generator.Tests.Behaviour;

/// <summary>Dispose of a generated machine suspended in the <c>try</c> of a <c>finally</c> that awaits runs that block to its
/// end, then the cleanup around it, innermost first (DESIGN §2: cancellation is Dispose): inline when the block does
/// not wait (allocating nothing), else in a task of its own on the current executor (counted, event 112). With no
/// executor to finish it (shutdown), the block is cut at its await, reported (event 111). (The tests assert source
/// lines: keep this header's line count.)</summary>
[Collection(CleanupEventsCollection.Name)]
public partial class CancelledFinallyTests
{
    [PollAsync]
    internal static async Future<int> Work(Gate gate, List<string> log, bool waitInFinally, Gate? closing = null)
    {
        try
        {
            Append(log, "work");
            await gate;
            Append(log, "after work");
        }
        finally
        {
            Append(log, "close");
            if (closing is not null) await closing;
            else if (waitInFinally) await Future.Yield();
            else await Task.CompletedTask;
            Append(log, "closed");
        }
        Append(log, "after try");
        return 1;
    }

    [PollAsync]
    internal static async Future<int> ThrowingFinally(Gate gate, List<string> log, bool waitInFinally)
    {
        try
        {
            try
            {
                await gate;
            }
            finally
            {
                log.Add("close");
                if (waitInFinally) await Future.Yield();
                else await Task.CompletedTask;
                throw new InvalidOperationException("close failed");
            }
        }
        catch (InvalidOperationException)
        {
            log.Add("caught"); // not on Dispose: cancellation unwinds, its cleanup's exception surfaces from Dispose
        }
        finally
        {
            log.Add("outer finally");
        }
        log.Add("after try");
        return 1;
    }

    [PollAsync]
    internal static async Future<int> Parent(Gate gate, List<string> log)
    {
        try
        {
            log.Add("parent");
            return await Child(gate, log);
        }
        finally
        {
            log.Add("parent close");
            await Task.CompletedTask;
            log.Add("parent closed");
        }
    }

    [PollAsync]
    internal static async Future<int> Child(Gate gate, List<string> log)
    {
        try
        {
            log.Add("child");
            return await gate;
        }
        finally
        {
            log.Add("child close");
            await Task.CompletedTask;
            log.Add("child closed");
        }
    }

    [PollAsync]
    internal static async Future<int> ParentOfWaitingChild(Gate gate, List<string> log)
    {
        try
        {
            return await Work(gate, log, waitInFinally: true);
        }
        finally
        {
            log.Add("parent close");
            await Task.CompletedTask;
            log.Add("parent closed");
        }
    }

    [PollAsync]
    internal static async Future<int> ThrowingInnerFinally(Gate gate, List<string> log)
    {
        try
        {
            try
            {
                await gate;
            }
            finally
            {
                log.Add("inner finally, no await");
                throw new InvalidOperationException("inner failed");
            }
        }
        finally
        {
            log.Add("outer close");
            await Task.CompletedTask;
            log.Add("outer closed");
        }
    }

    [PollAsync]
    internal static async Future<int> TryInsideFinally(Gate gate, List<string> log)
    {
        try
        {
            log.Add("work");
        }
        finally
        {
            try
            {
                log.Add("in finally");
                await gate;
            }
            finally
            {
                log.Add("inner close");
                await Task.CompletedTask;
                log.Add("inner closed");
            }
            log.Add("rest of the outer finally");
        }
        return 1;
    }

    [PollAsync]
    internal static async Future<T> Generic<T>(T value, Gate gate, List<string> log)
    {
        try
        {
            await gate;
            return value;
        }
        finally
        {
            log.Add("close " + value);
            await Task.CompletedTask;
            log.Add("closed " + value);
        }
    }

    [PollAsync]
    internal static async Future<int> Quick()
    {
        await Future.Yield();
        return 2;
    }

    [Fact]
    public void Dispose_runs_a_finally_that_completes_at_once_inline_and_allocates_nothing()
    {
        Assert.Equal(["work", "close", "closed"], DisposeSuspended(new List<string>(8), out _)); // warm up: JIT, statics

        var log = new List<string>(8); // no growth while measured
        var future = Work(new Gate(), log, waitInFinally: false);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);
        long before = GC.GetAllocatedBytesForCurrentThread();
        future.Dispose();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(["work", "close", "closed"], log); // not "after work" nor "after try": the machine completed
        future.Dispose(); // a second Dispose is a no-op
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public void A_finally_that_waits_finishes_in_a_task_of_its_own_on_the_executor_counted_and_evented()
    {
        using var events = new CleanupEvents();
        using var executor = new LocalExecutor();
        var log = new List<string>();
        long detached = CancelledCleanup.Detached;

        executor.Spawn(new PollThenDispose<int>(Work(new Gate(), log, waitInFinally: true), _ => log.Add("disposed")));
        executor.Run(); // until every task is done: the detached cleanup too

        Assert.Equal(["work", "close", "disposed", "closed"], log); // Dispose returned before the block finished
        Assert.True(CancelledCleanup.Detached > detached);
        Assert.Contains("CancelledFinallyTests.Work", events.Detached);
    }

    [Fact]
    public void Aborting_a_task_through_its_JoinHandle_runs_its_awaiting_finally()
    {
        using var executor = new LocalExecutor();
        var log = new List<string>();
        var handle = executor.Spawn(Work(new Gate(), log, waitInFinally: true));
        executor.Spawn(new AbortAfterYield<int>(handle));
        executor.Run();

        Assert.Equal(["work", "close", "closed"], log);
        Assert.Throws<OperationCanceledException>(() =>
        {
            var cx = new Context(Waker.Noop);
            return handle.AsFuture().Poll(ref cx);
        });
    }

    [Fact]
    public void A_task_aborted_on_a_work_stealing_executor_finishes_its_finally_on_it()
    {
        using var executor = new WorkStealingExecutor(2);
        var log = new List<string>();
        var gate = new Gate();
        var handle = executor.Spawn(Work(gate, log, waitInFinally: true));
        Assert.True(SpinWait.SpinUntil(() => Snapshot(log).Contains("work"), StallLimit.Value));
        handle.Abort();

        Assert.True(SpinWait.SpinUntil(() => Snapshot(log).Contains("closed"), StallLimit.Value), "the detached finally never finished");
        Assert.Equal(["work", "close", "closed"], Snapshot(log));
    }

    [Fact]
    public void Executor_shutdown_cuts_a_finally_that_waits_and_reports_its_rest()
    {
        using var events = new CleanupEvents();
        var log = new List<string>();
        var executor = new LocalExecutor();
        executor.Spawn(Work(new Gate(), log, waitInFinally: true));
        executor.BlockOn(Quick()); // the task runs to the gate
        long skipped = CancelledCleanup.FinallySkipped;

        executor.Dispose(); // no executor runs any more: the block stops at its Yield

        Assert.Equal(["work", "close"], log);
        Assert.True(CancelledCleanup.FinallySkipped > skipped);
        Assert.Contains(("CancelledFinallyTests.Work", 18), events.Skipped); // the try statement's line
        Assert.DoesNotContain("CancelledFinallyTests.Work", events.Detached);
    }

    [Fact]
    public void A_finally_still_waiting_at_executor_shutdown_is_cut_and_reported()
    {
        using var events = new CleanupEvents();
        var log = new List<string>();
        var executor = new LocalExecutor();
        executor.Spawn(new PollThenDispose<int>(Work(new Gate(), log, waitInFinally: true, closing: new Gate())));
        executor.BlockOn(Quick()); // the dispose runs: the block waits for its gate, detached
        Assert.Contains("CancelledFinallyTests.Work", events.Detached);

        executor.Dispose(); // the detached cleanup is one of the tasks shutdown disposes

        Assert.Equal(["work", "close"], log);
        Assert.Contains(("CancelledFinallyTests.Work", 18), events.Skipped);
    }

    [Fact]
    public void An_aborted_task_still_finishing_its_finally_at_executor_shutdown_is_cut_and_reported()
    {
        using var events = new CleanupEvents();
        var log = new List<string>();
        var executor = new LocalExecutor();
        var handle = executor.Spawn(Work(new Gate(), log, waitInFinally: true, closing: new Gate()));
        executor.BlockOn(Quick());
        handle.Abort();
        executor.BlockOn(Quick()); // the abort runs: the block waits for its gate, in the aborted task itself
        Assert.DoesNotContain("CancelledFinallyTests.Work", events.Detached);

        executor.Dispose(); // the aborted task is one of the tasks shutdown disposes: its cleanup is cut

        Assert.Equal(["work", "close"], log);
        Assert.Contains(("CancelledFinallyTests.Work", 18), events.Skipped);
        Assert.True(handle.IsCompleted);
    }

    [Fact]
    public void A_finally_that_throws_surfaces_from_Dispose_past_catch_blocks_after_the_finally_blocks_around_it()
    {
        var log = new List<string>();
        var future = ThrowingFinally(new Gate(), log, waitInFinally: false);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);

        var error = Assert.Throws<InvalidOperationException>(future.Dispose);

        Assert.Equal("close failed", error.Message);
        Assert.Equal(["close", "outer finally"], log);
    }

    [Fact]
    public void An_exception_of_a_finally_inside_the_entered_one_is_rethrown_after_it_as_in_C_sharp()
    {
        var log = new List<string>();
        var future = ThrowingInnerFinally(new Gate(), log);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);

        var error = Assert.Throws<InvalidOperationException>(future.Dispose);

        Assert.Equal("inner failed", error.Message);
        Assert.Equal(["inner finally, no await", "outer close", "outer closed"], log);
    }

    [Fact]
    public void Leaving_a_finally_block_from_a_try_inside_it_reports_the_rest_of_that_block_as_skipped()
    {
        using var events = new CleanupEvents();
        var log = new List<string>();
        var future = TryInsideFinally(new Gate(), log);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);

        future.Dispose();

        Assert.Equal(["work", "in finally", "inner close", "inner closed"], log);
        Assert.Contains(("CancelledFinallyTests.TryInsideFinally", 138), events.Skipped); // the outer try's line
    }

    [Fact]
    public void A_detached_finally_that_throws_is_reported_as_an_unobserved_failure()
    {
        var failures = new List<UnobservedTaskFailureEventArgs>();
        EventHandler<UnobservedTaskFailureEventArgs> handler = (_, e) =>
        {
            if (e.TaskName.Contains("CancelledFinallyTests.ThrowingFinally", StringComparison.Ordinal)) lock (failures) failures.Add(e);
        };
        RuntimeDiagnostics.UnobservedTaskFailure += handler;
        try
        {
            using var executor = new LocalExecutor();
            var log = new List<string>();
            long failed = CancelledCleanup.DetachedFailed;
            executor.Spawn(new PollThenDispose<int>(ThrowingFinally(new Gate(), log, waitInFinally: true), _ => log.Add("disposed")));
            executor.Run();

            Assert.Equal(["close", "disposed", "outer finally"], log);
            Assert.True(CancelledCleanup.DetachedFailed > failed);
            var failure = Assert.Single(failures);
            Assert.Equal("close failed", failure.Exception.Message);
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= handler;
        }
    }

    [Fact]
    public void Nested_machines_run_their_finally_blocks_innermost_first()
    {
        var log = new List<string>();
        var future = Parent(new Gate(), log);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);

        future.Dispose();

        Assert.Equal(["parent", "child", "child close", "child closed", "parent close", "parent closed"], log);
    }

    [Fact]
    public void A_parent_waits_for_its_childs_finally_that_waits_before_its_own_and_the_tree_detaches_once()
    {
        using var events = new CleanupEvents();
        using var executor = new LocalExecutor();
        var log = new List<string>();
        long detached = CancelledCleanup.Detached;

        executor.Spawn(new PollThenDispose<int>(ParentOfWaitingChild(new Gate(), log), _ => log.Add("disposed")));
        executor.Run();

        // As C#: the child's finally ends ("closed") before the parent's starts; Dispose returned before either ended.
        Assert.Equal(["work", "close", "disposed", "closed", "parent close", "parent closed"], log);
        Assert.Contains("CancelledFinallyTests.ParentOfWaitingChild", events.Detached); // the outermost machine, once
        Assert.DoesNotContain("CancelledFinallyTests.Work", events.Detached);
        Assert.True(CancelledCleanup.Detached > detached);
    }

    [Fact]
    public void A_generic_machine_runs_its_awaiting_finally_on_Dispose()
    {
        var log = new List<string>();
        var future = Generic("text", new Gate(), log);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);

        future.Dispose();

        Assert.Equal(["close text", "closed text"], log);
    }

    [Fact]
    public void Select_runs_the_awaiting_finally_of_the_future_it_drops()
    {
        var log = new List<string>();
        var winner = Executor.BlockOn(Future.Select(Work(new Gate(), log, waitInFinally: false), Quick()));

        Assert.Equal(2, winner.Second);
        Assert.Equal(["work", "close", "closed"], log);
    }

    [Fact]
    public void Timeout_runs_the_awaiting_finally_of_the_future_it_cancels()
    {
        var log = new List<string>();
        Assert.Throws<TimeoutException>(() => Executor.BlockOn(Time.Timeout(Work(new Gate(), log, waitInFinally: false), TimeSpan.FromMilliseconds(1))));

        Assert.Equal(["work", "close", "closed"], log);
    }

    private static List<string> DisposeSuspended(List<string> log, out int polls)
    {
        var future = Work(new Gate(), log, waitInFinally: false);
        var cx = new Context(Waker.Noop);
        polls = future.Poll(ref cx).IsPending ? 1 : 0;
        future.Dispose();
        return log;
    }

    private static List<string> Snapshot(List<string> log)
    {
        lock (log) return [.. log];
    }

    /// <summary>Adds under the lock <see cref="Snapshot"/> takes: on a work-stealing executor a worker writes while the test reads.</summary>
    private static void Append(List<string> log, string entry)
    {
        lock (log) log.Add(entry);
    }

    /// <summary>A task that polls <paramref name="inner"/> once, yields, then disposes it (as a combinator drops a branch).</summary>
    internal sealed class PollThenDispose<T>(IFuture<T> inner, Action<IFuture<T>>? afterDispose = null) : IFuture<Unit>
    {
        private int _polls;

        public Poll<Unit> Poll(ref Context cx)
        {
            if (_polls++ == 0)
            {
                if (inner.Poll(ref cx).IsReady) throw new InvalidOperationException("the inner future should suspend");
                cx.Waker.Wake();
                return Poll<Unit>.Pending;
            }
            inner.Dispose();
            afterDispose?.Invoke(inner);
            return Poll<Unit>.Ready(default);
        }
    }

    /// <summary>Yields once (the other task reaches its await), then aborts <paramref name="handle"/>.</summary>
    private sealed class AbortAfterYield<T>(JoinHandle<T> handle) : IFuture<Unit>
    {
        private bool _yielded;

        public Poll<Unit> Poll(ref Context cx)
        {
            if (!_yielded)
            {
                _yielded = true;
                cx.Waker.Wake();
                return Poll<Unit>.Pending;
            }
            handle.Abort();
            return Poll<Unit>.Ready(default);
        }
    }

    /// <summary>The AsyncGen events 111 (skipped rest: method, line) and 112 (detached: method).</summary>
    internal sealed class CleanupEvents : EventListener
    {
        private readonly List<(string, int)> _skipped = [];
        private readonly List<string> _detached = [];

        public IReadOnlyList<(string Method, int Line)> Skipped
        {
            get { lock (_skipped) return [.. _skipped]; }
        }

        public IReadOnlyList<string> Detached
        {
            get { lock (_detached) return [.. _detached]; }
        }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Warning);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventId == 111) lock (_skipped) _skipped.Add(((string)e.Payload![0]!, (int)e.Payload[1]!));
            if (e.EventId == 112) lock (_detached) _detached.Add((string)e.Payload![0]!);
        }
    }
}
