namespace AsyncGen.Runtime.Tests.Timers;

/// <summary>Issue 14: a sleep inside a running task allocates nothing; a spawned sleep allocates its task cell only.</summary>
public class SleepAllocationTests
{
    [Fact]
    public void A_spawned_sleeping_task_allocates_exactly_its_task_cell()
    {
        const int tasks = 1_000;
        using var executor = new LocalExecutor();
        // Warm up with the same load (JIT; the slot table, ready queue, timer slab and firing list grow to 1,000
        // concurrent sleepers, all due in one turn of the wheel), twice: the tables keep their size afterwards.
        for (int round = 0; round < 2; round++)
        {
            SpawnSleepers(executor, tasks);
            executor.Run();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var probe = Future.Box<SleepOnce, Unit>(new SleepOnce(0));
        long cellBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(probe);

        before = GC.GetAllocatedBytesForCurrentThread();
        SpawnSleepers(executor, tasks);
        executor.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, executor.TaskCount);
        Assert.Equal(tasks * cellBytes, allocated);
    }

    /// <summary>Spawns sleepers that share one deadline 30 ms away: all pending together, all due at once.</summary>
    private static void SpawnSleepers(LocalExecutor executor, int count)
    {
        long deadline = Time.NowMs + 30;
        for (int i = 0; i < count; i++) executor.Spawn(Future.Box<SleepOnce, Unit>(new SleepOnce(deadline)));
    }

    /// <summary>What a tiny generated method that awaits one sleep looks like: the sleep embedded by value.</summary>
    private struct SleepOnce(long deadlineMs) : IFuture<Unit>
    {
        private SleepFuture _sleep = new(deadlineMs);

        public Poll<Unit> Poll(ref Context cx) => _sleep.Poll(ref cx);

        public void Dispose() => _sleep.Dispose();
    }

    [Fact]
    public void Sleeps_awaited_inside_a_running_task_allocate_nothing()
    {
        using var executor = new LocalExecutor();
        executor.Spawn(Future.Box<SleepLoop, int>(new SleepLoop(3)));
        executor.Run(); // warm up: JIT, the wheel's slab, the ready queue

        var box = Future.Box<SleepLoop, int>(new SleepLoop(5));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var handle = executor.Spawn(box);
        executor.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var cx = new Context(Waker.Noop);
        Assert.Equal(5, handle.Poll(ref cx).Value);
        Assert.Equal(0, allocated);
    }

    /// <summary>A hand-written machine that awaits <c>Time.Sleep(1 ms)</c> <c>count</c> times, the sleep embedded by value.</summary>
    private struct SleepLoop(int count) : IFuture<int>
    {
        private SleepFuture _sleep;
        private bool _sleeping;
        private int _done;

        public Poll<int> Poll(ref Context cx)
        {
            while (_done < count)
            {
                if (!_sleeping)
                {
                    _sleep = Time.Sleep(TimeSpan.FromMilliseconds(1));
                    _sleeping = true;
                }
                if (_sleep.Poll(ref cx).IsPending) return Poll<int>.Pending;
                _sleeping = false;
                _done++;
            }
            return Poll<int>.Ready(_done);
        }

        public void Dispose()
        {
            if (_sleeping) _sleep.Dispose();
        }
    }
}
