using AsyncGen.Diagnostics;
using AsyncGen.Executors.WorkStealing;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// How the work-stealing executor shares work: the LIFO slot (never stolen, bounded), stealing between workers, and
/// the searching-worker accounting that decides whom to wake.
/// </summary>
public class WorkStealingSchedulingTests
{
    [Fact]
    public void The_LIFO_slot_is_not_stolen()
    {
        using var executor = new WorkStealingExecutor(workerCount: 1);
        var worker = new Worker(executor, 0, executor.Metrics.Threads[0]); // not running: driven by hand here
        var tasks = LocalQueueTests.NewTasks(2);

        Assert.False(worker.ScheduleLocal(tasks[0], yielding: false)); // into the empty LIFO slot: nothing to share
        Assert.True(worker.ScheduleLocal(tasks[1], yielding: false));  // displaces the first into the queue

        var thief = new LocalQueue();
        Assert.Same(tasks[0], worker.Queue.StealInto(thief, out int stolen));
        Assert.Equal(1, stolen);
        Assert.Null(worker.Queue.StealInto(thief, out _)); // the second one, in the LIFO slot, stays with its worker
    }

    /// <summary>Two tasks that wake each other on every poll, until <see cref="Stop"/>.</summary>
    private sealed class Court
    {
        public readonly Waker?[] Wakers = new Waker?[2];
        public volatile bool Stop;
    }

    private sealed class Player(Court court, int side) : IFuture<int>
    {
        private int _polls;

        public Poll<int> Poll(ref Context cx)
        {
            if (court.Stop) return Poll<int>.Ready(_polls);
            _polls++;
            court.Wakers[side] = cx.Waker;
            court.Wakers[1 - side]?.Wake();
            return Poll<int>.Pending;
        }
    }

    private sealed class Stopper(Court court) : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx)
        {
            court.Stop = true;
            court.Wakers[0]?.Wake();
            court.Wakers[1]?.Wake();
            return Poll<int>.Ready(0);
        }
    }

    [Fact]
    public void Two_tasks_waking_each_other_through_the_LIFO_slot_do_not_starve_a_queued_task()
    {
        // One worker: the players land in its LIFO slot turn by turn; only the bound on LIFO polls in a row lets the
        // stopper, queued behind them, ever run.
        using var executor = new WorkStealingExecutor(workerCount: 1);
        var court = new Court();
        var first = executor.Spawn(new Player(court, 0));
        var second = executor.Spawn(new Player(court, 1));
        var stopper = executor.Spawn(new Stopper(court));

        executor.BlockOn(stopper, TimeSpan.FromMinutes(1));
        Assert.True(executor.BlockOn(first, TimeSpan.FromMinutes(1)) >= 1);
        Assert.True(executor.BlockOn(second, TimeSpan.FromMinutes(1)) >= 1);
    }

    /// <summary>Waits (up to a generous limit) until some task ran on another thread than this one.</summary>
    private sealed class WaitForAnotherThread(int[] threads, int index) : IFuture<bool>
    {
        public Poll<bool> Poll(ref Context cx)
        {
            threads[index] = Environment.CurrentManagedThreadId;
            var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < limit)
            {
                for (int i = 0; i < threads.Length; i++)
                {
                    int other = Volatile.Read(ref threads[i]);
                    if (other != 0 && other != threads[index]) return Poll<bool>.Ready(true);
                }
                Thread.Sleep(1);
            }
            return Poll<bool>.Ready(false);
        }
    }

    private static async Future<bool> SpawnBlockers(int count)
    {
        var threads = new int[count];
        var handles = Enumerable.Range(0, count).Select(i => Executor.Spawn(new WaitForAnotherThread(threads, i))).ToArray();
        bool all = true;
        foreach (var handle in handles) all &= await handle;
        return all;
    }

    [Fact]
    public void Tasks_queued_behind_a_busy_worker_are_stolen_by_a_worker_it_woke_and_the_counters_show_it()
    {
        using var executor = new WorkStealingExecutor(workerCount: 2);
        // Every task spawned from the root lands on the root's worker; the first one to run there blocks it until a
        // task ran on another thread, which only a steal (after an unpark) can bring about.
        Assert.True(executor.BlockOn(SpawnBlockers(8), TimeSpan.FromMinutes(1)));
        Assert.True(executor.Metrics.Total(RuntimeCounter.Steals) > 0, "no steal counted");
        Assert.True(executor.Metrics.Total(RuntimeCounter.Unparks) > 0, "no unpark counted");
    }
}
