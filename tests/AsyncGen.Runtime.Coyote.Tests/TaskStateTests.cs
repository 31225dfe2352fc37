using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// TaskCell's state word (Idle, Scheduled, Running, Notified, Complete, Cancelled) under every interleaving of an
/// executor thread with waker and aborter threads: no lost wake, no double queueing, no poll after completion, a
/// future disposed exactly once when aborted.
/// </summary>
public class TaskStateTests
{
    /// <summary>
    /// A future waiting for a resource another thread makes ready (then wakes it), with the executor's poll as a
    /// window in which other threads act (<see cref="Interleavings.InterleaveHere"/>).
    /// </summary>
    private sealed class ResourceFuture(Interleavings threads) : IFuture<int>
    {
        public bool ResourceReady;
        public int Polls;
        public int Disposals;
        public bool PolledAfterReady;
        private bool _ready;

        public Poll<int> Poll(ref Context cx)
        {
            if (_ready) PolledAfterReady = true;
            Polls++;
            bool ready = ResourceReady; // read, then the window: a wake landing here must cause another poll
            threads.InterleaveHere();
            if (!ready) return Poll<int>.Pending;
            _ready = true;
            return Poll<int>.Ready(42);
        }

        public void Dispose() => Disposals++;
    }

    private static IEnumerable<Func<bool>?> Executor(QueueScheduler executor, ITaskCell task)
    {
        // The executor runs whatever is queued until the task completes; it blocks while nothing is queued.
        while (!task.IsComplete)
        {
            yield return () => executor.Ready.Count > 0;
            executor.RunOne();
        }
        while (executor.RunOne()) { } // a task queued just before it completed is dropped by Run
    }

    private static IEnumerable<Func<bool>?> Waker(ResourceFuture future, ITaskCell task, int wakes)
    {
        future.ResourceReady = true;
        for (int i = 0; i < wakes; i++)
        {
            yield return null;
            task.Wake();
        }
    }

    private static IEnumerable<Func<bool>?> Aborter(ITaskCell<int> handle)
    {
        yield return null;
        handle.Abort();
    }

    [Fact]
    public void Wakes_while_running_before_and_after_completion_are_never_lost_nor_doubled()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var executor = new QueueScheduler();
            var future = new ResourceFuture(threads);
            var task = executor.Spawn(future);
            task.Wake(); // spawned: first poll queued
            threads.Start("executor", Executor(executor, task));
            threads.Start("waker", Waker(future, task, wakes: 2)); // the second wake may land after completion
            threads.Run();

            threads.Assert(executor.Violation is null, executor.Violation ?? "");
            threads.Assert(task.IsComplete, "the task never completed: a wake was lost");
            threads.Assert(!future.PolledAfterReady, "the future was polled after it returned Ready");
            var cx = new Context(AsyncGen.Waker.Noop);
            threads.Assert(task.PollJoin(ref cx).Value == 42, "wrong result");
        }));
    }

    [Fact]
    public void An_abort_racing_with_polls_and_wakes_completes_the_task_once_and_disposes_its_future_at_most_once()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var executor = new QueueScheduler();
            var future = new ResourceFuture(threads);
            var task = executor.Spawn(future);
            task.Wake();
            threads.Start("executor", Executor(executor, task));
            threads.Start("waker", Waker(future, task, wakes: 1));
            threads.Start("aborter", Aborter(task));
            threads.Run();

            threads.Assert(executor.Violation is null, executor.Violation ?? "");
            threads.Assert(task.IsComplete, "the task never completed");
            var cx = new Context(AsyncGen.Waker.Noop);
            bool cancelled;
            try
            {
                threads.Assert(task.PollJoin(ref cx).Value == 42, "wrong result");
                cancelled = false;
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
            }
            // Aborted: disposed once and never polled to Ready; completed: never disposed by the task.
            threads.Assert(future.Disposals == (cancelled ? 1 : 0), $"disposed {future.Disposals} time(s), cancelled: {cancelled}");
            threads.Assert(!future.PolledAfterReady, "polled after Ready");
        }));
    }

    /// <summary>Counts the wakes of a joiner.</summary>
    private sealed class JoinerWakes : IWakeTarget
    {
        public int Wakes;
        public AsyncGen.Waker Waker => new(this, 0, 0);
        public void Wake(int slot, int generation) => Wakes++;
    }

    /// <summary>Polls the join handle; after a Pending, waits for its waker, then polls again, until Ready.</summary>
    private static IEnumerable<Func<bool>?> Joiner(ITaskCell<int> handle, JoinerWakes wakes, List<int> results)
    {
        while (true)
        {
            yield return null;
            int seen = wakes.Wakes;
            var cx = new Context(wakes.Waker);
            var poll = handle.PollJoin(ref cx);
            if (poll.IsReady)
            {
                results.Add(poll.Value);
                yield break;
            }
            yield return () => wakes.Wakes > seen; // a completion that forgot the stored waker leaves this stuck
        }
    }

    [Fact]
    public void A_joiner_racing_with_the_completion_is_woken_or_finds_the_result()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var executor = new QueueScheduler();
            var future = new ResourceFuture(threads);
            var task = executor.Spawn(future);
            task.Wake();
            var wakes = new JoinerWakes();
            var results = new List<int>();
            threads.Start("executor", Executor(executor, task));
            threads.Start("waker", Waker(future, task, wakes: 1));
            threads.Start("joiner", Joiner(task, wakes, results));
            threads.Run();

            threads.Assert(executor.Violation is null, executor.Violation ?? "");
            threads.Assert(results is [42], $"joined {results.Count} time(s)");
        }));
    }
}
