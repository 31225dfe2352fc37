using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Runtime.Tests.Sync;
using AsyncGen.Tasks;
using AsyncGen.Diagnostics;

namespace AsyncGen.Runtime.Tests.Tasks;

/// <summary><see cref="JoinSet{T}"/> (tokio's JoinSet) and <see cref="JoinHandle{T}.Abort"/>: structured cancellation.</summary>
public class JoinSetTests
{
    /// <summary>Yields <paramref name="yields"/> times (waking itself), then returns <paramref name="value"/>; counts its disposals.</summary>
    private sealed class YieldThen(int yields, int value) : IFuture<int>
    {
        private int _left = yields;
        public int Disposals;

        public Poll<int> Poll(ref Context cx)
        {
            if (_left-- <= 0) return Poll<int>.Ready(value);
            cx.Waker.Wake();
            return Poll<int>.Pending;
        }

        public void Dispose() => Interlocked.Increment(ref Disposals);
    }

    /// <summary>Never ready and never woken by itself: only an abort ends it. Counts its disposals (its cleanup).</summary>
    private sealed class Forever : IFuture<int>
    {
        public int Disposals;

        public Poll<int> Poll(ref Context cx) => Poll<int>.Pending;

        public void Dispose() => Interlocked.Increment(ref Disposals);
    }

    private sealed class Failing(string message) : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => throw new InvalidOperationException(message);
    }

    /// <summary>The outcome of a finished task: its value, "cancelled", or the exception's message.</summary>
    private static string Outcome(JoinHandle<int> finished)
    {
        Assert.True(finished.IsCompleted);
        var cx = new Context(Waker.Noop);
        try
        {
            return finished.Poll(ref cx).Value.ToString();
        }
        catch (OperationCanceledException)
        {
            return "cancelled";
        }
        catch (Exception error)
        {
            return error.Message;
        }
    }

    /// <summary>Takes every task of <paramref name="set"/> through JoinNext, as outcomes in the order given.</summary>
    private sealed class DrainSet(JoinSet<int> set) : IFuture<List<string>>
    {
        private readonly List<string> _outcomes = [];
        private JoinNextFuture<int> _next = set.JoinNext();

        public Poll<List<string>> Poll(ref Context cx)
        {
            while (true)
            {
                var poll = _next.Poll(ref cx);
                if (poll.IsPending) return Poll<List<string>>.Pending;
                if (poll.Value is not { } finished) return Poll<List<string>>.Ready(_outcomes);
                _outcomes.Add(Outcome(finished));
                _next = set.JoinNext();
            }
        }

        public void Dispose() => _next.Dispose();
    }

    [Fact]
    public void JoinNext_gives_tasks_in_completion_order_then_null_when_the_set_is_empty()
    {
        using var executor = new LocalExecutor();
        using var set = new JoinSet<int>();
        set.Spawn(executor, new YieldThen(yields: 6, value: 1));
        set.Spawn(executor, new YieldThen(yields: 0, value: 2));
        set.Spawn(executor, new YieldThen(yields: 3, value: 3));
        Assert.Equal(3, set.Count);

        Assert.Equal(["2", "3", "1"], executor.BlockOn(new DrainSet(set), SyncTestSupport.StallLimit));
        Assert.Equal(0, set.Count);
        Assert.False(set.TryJoinNext(out _));
        var cx = new Context(Waker.Noop);
        var next = set.JoinNext();
        Assert.Null(next.Poll(ref cx).Value); // empty: at once, like tokio's None
    }

    [Fact]
    public void A_failing_task_is_given_with_its_exception_and_the_others_still_come()
    {
        using var executor = new LocalExecutor();
        using var set = new JoinSet<int>();
        set.Spawn(executor, new YieldThen(yields: 2, value: 7));
        set.Spawn(executor, new Failing("boom"));
        var outcomes = executor.BlockOn(new DrainSet(set), SyncTestSupport.StallLimit);
        Assert.Equal(["boom", "7"], outcomes);
    }

    [Fact]
    public void AbortAll_keeps_the_tasks_in_the_set_and_JoinNext_gives_them_cancelled_after_their_cleanup_ran()
    {
        using var executor = new LocalExecutor();
        using var set = new JoinSet<int>();
        var forever = new[] { new Forever(), new Forever() };
        foreach (var future in forever) set.Spawn(executor, future);
        executor.BlockOn(new YieldThen(yields: 2, value: 0)); // both have been polled and wait
        long abortedBefore = ((ITaskScheduler)executor).Metrics.Total(RuntimeCounter.TasksAborted);

        set.AbortAll();

        Assert.Equal(["cancelled", "cancelled"], executor.BlockOn(new DrainSet(set), SyncTestSupport.StallLimit));
        Assert.All(forever, future => Assert.Equal(1, future.Disposals));
        Assert.Equal(abortedBefore + 2, ((ITaskScheduler)executor).Metrics.Total(RuntimeCounter.TasksAborted));
    }

    [Fact]
    public void Disposing_the_set_aborts_every_task_still_in_it_and_a_finished_one_is_not_disposed_again()
    {
        using var executor = new LocalExecutor();
        var set = new JoinSet<int>();
        var forever = new Forever();
        var quick = new YieldThen(yields: 0, value: 5);
        var stillRunning = set.Spawn(executor, forever);
        var finished = set.Spawn(executor, quick);
        executor.BlockOn(new YieldThen(yields: 2, value: 0));
        Assert.True(finished.IsFinished);
        Assert.False(stillRunning.IsFinished);

        set.Dispose();
        set.Dispose(); // idempotent
        executor.Run(); // the aborted task is disposed at its next scheduling point

        Assert.True(stillRunning.IsFinished);
        Assert.Equal(1, forever.Disposals);
        Assert.Equal(0, quick.Disposals); // it completed: aborting it was a no-op
        Assert.Equal(0, executor.TaskCount);
        Assert.Throws<ObjectDisposedException>(() => set.Spawn(executor, new Forever()));
        Assert.Throws<ObjectDisposedException>(() => set.TryJoinNext(out _));
    }

    [Fact]
    public void A_pending_JoinNext_is_woken_by_the_sets_dispose_and_throws_ObjectDisposedException()
    {
        using var executor = new LocalExecutor();
        var set = new JoinSet<int>();
        set.Spawn(executor, new Forever());
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var next = set.JoinNext();
        Assert.True(next.Poll(ref cx).IsPending);

        set.Dispose();

        Assert.Equal(1, wakes.Wakes);
        Assert.Throws<ObjectDisposedException>(() =>
        {
            var again = new Context(wakes.Waker);
            next.Poll(ref again);
        });
        executor.Run();
    }

    [Fact]
    public void Two_pending_JoinNext_on_one_set_throw_and_say_what_to_do()
    {
        using var executor = new LocalExecutor();
        using var set = new JoinSet<int>();
        set.Spawn(executor, new Forever());
        var cx = new Context(Waker.Noop);
        var first = set.JoinNext();
        Assert.True(first.Poll(ref cx).IsPending);
        var second = set.JoinNext();
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            var other = new Context(Waker.Noop);
            second.Poll(ref other);
        });
        Assert.Contains("Two JoinNext", error.Message);
        first.Dispose(); // cancel-safe: the next JoinNext may wait instead
        var third = set.JoinNext();
        Assert.True(third.Poll(ref cx).IsPending);
        third.Dispose();
        set.AbortAll();
        executor.Run();
    }

    [Fact]
    public void Aborting_a_finished_task_is_a_no_op_and_its_result_is_kept()
    {
        using var executor = new LocalExecutor();
        var handle = executor.Spawn(new YieldThen(yields: 1, value: 9));
        executor.Run();
        handle.Abort();
        handle.Abort();
        var cx = new Context(Waker.Noop);
        Assert.Equal(9, handle.Poll(ref cx).Value);
    }

    [Fact]
    public void An_aborted_tasks_joiner_gets_an_OperationCanceledException_naming_the_task()
    {
        using var executor = new LocalExecutor();
        var forever = new Forever();
        var handle = executor.Spawn(forever);
        executor.BlockOn(new YieldThen(yields: 1, value: 0));
        handle.Abort();
        var error = Assert.Throws<OperationCanceledException>(() => executor.BlockOn(handle, SyncTestSupport.StallLimit));
        Assert.Contains("aborted", error.Message);
        Assert.Equal(1, forever.Disposals);
    }

    /// <summary>Spawns <paramref name="count"/> tasks into the set from inside a task, then drains it.</summary>
    private sealed class SpawnThenDrain(JoinSet<int> set, int count, Action<AbortHandle> spawned) : IFuture<List<string>>
    {
        private DrainSet? _drain;
        public readonly List<YieldThen> Futures = [];

        public Poll<List<string>> Poll(ref Context cx)
        {
            if (_drain is null)
            {
                for (int i = 0; i < count; i++)
                {
                    var future = new YieldThen(yields: i % 5, value: i);
                    Futures.Add(future);
                    spawned(set.Spawn(future));
                }
                _drain = new DrainSet(set);
            }
            return _drain.Poll(ref cx);
        }
    }

    /// <summary>
    /// Aborts from another thread racing completions, wakes and JoinNext on two workers: every task is given exactly
    /// once, each with its own value or cancelled, and every aborted-before-finishing task's future is disposed once.
    /// </summary>
    [Fact]
    public async Task Aborts_from_another_thread_racing_completions_on_the_work_stealing_executor_lose_and_double_nothing()
    {
        for (int round = 0; round < 20; round++)
        {
            using var executor = new WorkStealingExecutor(2);
            using var set = new JoinSet<int>();
            const int Tasks = 200;
            var handles = new System.Collections.Concurrent.BlockingCollection<AbortHandle>();
            var aborter = Task.Run(() =>
            {
                int taken = 0;
                foreach (var handle in handles.GetConsumingEnumerable())
                {
                    if (taken++ % 2 == 0) handle.Abort(); // every other one, while it runs, or after it finished
                }
            });
            var run = new SpawnThenDrain(set, Tasks, handles.Add);
            var outcomes = executor.BlockOn(run, SyncTestSupport.StallLimit);
            handles.CompleteAdding();
            await aborter;

            Assert.Equal(Tasks, outcomes.Count);
            var values = outcomes.Where(o => o != "cancelled").Select(int.Parse).ToList();
            Assert.Equal(values.Count, values.Distinct().Count());
            Assert.All(values, v => Assert.InRange(v, 0, Tasks - 1));
            // Exactly the tasks given as cancelled had their future disposed, each once.
            Assert.Equal(Tasks - values.Count, run.Futures.Sum(f => Volatile.Read(ref f.Disposals)));
            Assert.All(run.Futures, f => Assert.InRange(Volatile.Read(ref f.Disposals), 0, 1));
            Assert.Equal(0, set.Count);
        }
    }

    /// <summary>Pending until <see cref="Release"/> (from any thread) sets its flag and wakes the stored waker.</summary>
    private sealed class Gate(int value) : IFuture<int>
    {
        private readonly Lock _lock = new();
        private Waker _waker;
        private bool _open;
        public int Disposals;

        public Poll<int> Poll(ref Context cx)
        {
            lock (_lock)
            {
                if (_open) return Poll<int>.Ready(value);
                _waker = cx.Waker;
                return Poll<int>.Pending;
            }
        }

        public void Release()
        {
            Waker waker;
            lock (_lock)
            {
                _open = true;
                waker = _waker;
            }
            waker.Wake();
        }

        public void Dispose() => Interlocked.Increment(ref Disposals);
    }

    /// <summary>
    /// <see cref="JoinHandle{T}.Abort"/> from one thread racing a wake from another on two workers: each task ends
    /// once, with its value or cancelled, and exactly the cancelled ones had their future disposed (once).
    /// </summary>
    [Fact]
    public async Task Aborts_racing_wakes_from_another_thread_end_each_task_once_on_the_work_stealing_executor()
    {
        using var executor = new WorkStealingExecutor(2);
        const int Tasks = 2_000;
        var gates = Enumerable.Range(0, Tasks).Select(i => new Gate(i)).ToArray();
        var handles = gates.Select(gate => executor.Spawn(gate)).ToArray();
        var waker = Task.Run(() =>
        {
            foreach (var gate in gates) gate.Release();
        });
        var aborter = Task.Run(() =>
        {
            for (int i = Tasks - 1; i >= 0; i--) handles[i].Abort(); // meets the waker somewhere in the middle
        });
        await Task.WhenAll(waker, aborter);

        for (int i = 0; i < Tasks; i++)
        {
            try
            {
                Assert.Equal(i, executor.BlockOn(handles[i], SyncTestSupport.StallLimit));
                Assert.Equal(0, gates[i].Disposals);
            }
            catch (OperationCanceledException)
            {
                Assert.Equal(1, gates[i].Disposals);
            }
        }
    }
}
