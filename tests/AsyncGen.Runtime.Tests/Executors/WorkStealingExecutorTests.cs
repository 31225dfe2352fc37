using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>The multi-threaded executor: every task completes once, never polled on two threads at once.</summary>
public class WorkStealingExecutorTests
{
    /// <summary>Yields <c>times</c> times (waking itself), flagging any poll that overlaps another.</summary>
    private sealed class GuardedYielder(int times, int[] overlaps) : IFuture<int>
    {
        private int _inPoll;
        private int _polls;

        public Poll<int> Poll(ref Context cx)
        {
            if (Interlocked.Exchange(ref _inPoll, 1) != 0) Interlocked.Increment(ref overlaps[0]);
            _polls++;
            bool done = _polls > times;
            if (!done) cx.Waker.Wake();
            Volatile.Write(ref _inPoll, 0);
            return done ? Poll<int>.Ready(_polls) : Poll<int>.Pending;
        }
    }

    private static async Future<long> SpawnMany(int tasks, int yields, int[] overlaps)
    {
        var handles = new JoinHandle<int>[tasks];
        for (int i = 0; i < tasks; i++) handles[i] = Executor.Spawn(new GuardedYielder(yields, overlaps));
        long polls = 0;
        foreach (var handle in handles) polls += await handle;
        return polls;
    }

    [Fact]
    public void Twenty_thousand_yielding_tasks_spawned_from_a_task_all_complete_exactly_once()
    {
        var overlaps = new int[1];
        using var executor = new WorkStealingExecutor(workerCount: 4);
        long polls = executor.BlockOn(SpawnMany(20_000, 10, overlaps), TimeSpan.FromMinutes(2));
        Assert.Equal(20_000L * 11, polls);
        Assert.True(overlaps[0] == 0, $"{overlaps[0]} overlapping polls");
    }

    /// <summary>
    /// Stress of a spawn on a worker (bound Scheduled, straight into that worker's queue, no wake) racing spawns from
    /// outside threads (woken into the injection queue), steals and completions: every task runs to completion once,
    /// never polled twice at the same time.
    /// </summary>
    [Fact]
    public void Tasks_spawned_on_every_worker_and_from_outside_threads_at_once_all_complete_exactly_once()
    {
        var overlaps = new int[1];
        using var executor = new WorkStealingExecutor(workerCount: 3);
        var parents = new JoinHandle<long>[4 * 8];
        var spawners = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            // Each parent spawns its children from whichever worker polls it (and parents migrate when stolen).
            for (int i = 0; i < 8; i++) parents[t * 8 + i] = executor.Spawn(SpawnMany(500, 3, overlaps));
        })).ToArray();
        foreach (var thread in spawners) thread.Start();
        foreach (var thread in spawners) thread.Join();

        foreach (var parent in parents) Assert.Equal(500L * 4, executor.BlockOn(parent, TimeSpan.FromMinutes(1)));
        Assert.Equal(0, overlaps[0]);
        // The last BlockOn task frees its slot on its worker just after its completion let BlockOn return. The
        // children's slots are in the tables of the workers that spawned them, freed by whichever worker completed
        // them (WakerTable.RemoveFromAnyThread when it was another): every one is free again, none twice.
        Assert.True(SpinWait.SpinUntil(() => executor.TaskCount == 0, TimeSpan.FromSeconds(30)), $"{executor.TaskCount} tasks left");
        Assert.All(executor.Workers, worker => Assert.Empty(worker.Tasks.Snapshot()));
        Assert.Empty(executor.DumpTasks());
    }

    [Fact]
    public void Tasks_spawned_from_outside_threads_complete()
    {
        var overlaps = new int[1];
        using var executor = new WorkStealingExecutor(workerCount: 3);
        var handles = new JoinHandle<int>[4 * 2_000];
        var spawners = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (int i = 0; i < 2_000; i++) handles[t * 2_000 + i] = executor.Spawn(new GuardedYielder(3, overlaps));
        })).ToArray();
        foreach (var thread in spawners) thread.Start();
        foreach (var thread in spawners) thread.Join();

        foreach (var handle in handles) Assert.Equal(4, executor.BlockOn(handle, TimeSpan.FromMinutes(1)));
        Assert.Equal(0, overlaps[0]);
    }

    private static async Future<int> SleepThenAdd(int ms, int value)
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(ms));
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return value;
    }

    private static async Future<int> ManySleepers(int count)
    {
        var handles = Enumerable.Range(0, count).Select(i => Executor.Spawn(SleepThenAdd(i % 20, 1))).ToArray();
        int sum = 0;
        foreach (var handle in handles) sum += await handle;
        return sum;
    }

    [Fact]
    public void Timers_fire_while_tasks_migrate_between_workers()
    {
        using var executor = new WorkStealingExecutor(workerCount: 4);
        Assert.Equal(5_000, executor.BlockOn(ManySleepers(5_000), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_timer_inserted_while_another_worker_sleeps_in_the_driver_is_not_overslept()
    {
        using var executor = new WorkStealingExecutor(workerCount: 2);
        Thread.Sleep(50); // let both workers park, one of them in the driver with no deadline
        Assert.Equal(7, executor.BlockOn(SleepThenAdd(5, 7), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void An_exception_reaches_BlockOn_and_a_stalled_task_is_reported()
    {
        using var executor = new WorkStealingExecutor(workerCount: 2);
        Assert.Throws<DivideByZeroException>(() => executor.BlockOn(Divide(0)));
        var stalled = Assert.Throws<StalledTaskException>(() => executor.BlockOn(new BrokenCounterFuture(3), TimeSpan.FromMilliseconds(100)));
        Assert.Equal("BrokenCounterFuture", stalled.TaskName);
    }

    private static async Future<int> Divide(int by)
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return 10 / by;
    }

    private static int s_cleanups;
    private static int s_started;

    private static async Future<int> Forever()
    {
        Interlocked.Increment(ref s_started);
        try
        {
            await Time.Sleep(TimeSpan.FromDays(1));
            return 0;
        }
        finally
        {
            Interlocked.Increment(ref s_cleanups);
        }
    }

    [Fact]
    public void Dispose_stops_the_workers_and_cancels_unfinished_tasks()
    {
        s_cleanups = 0;
        s_started = 0;
        var executor = new WorkStealingExecutor(workerCount: 2);
        var handles = Enumerable.Range(0, 10).Select(_ => executor.Spawn(Forever())).ToArray();
        // Every task must be inside its try before the dispose: a task never polled has no cleanup to run.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref s_started) == 10, TimeSpan.FromMinutes(1)));
        Assert.Throws<StalledTaskException>(() => executor.BlockOn(Time.Sleep(TimeSpan.FromDays(1)), TimeSpan.FromMilliseconds(50)));
        executor.Dispose();
        Assert.Equal(10, s_cleanups);
        Assert.All(handles, h => Assert.True(h.IsCompleted));
        Assert.Throws<ObjectDisposedException>(() => executor.Spawn(Forever()));
    }
}
