using AsyncGen.Runtime.Tests.Support;

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

        AllocationWindows.AssertOneWindowAllocates(tasks * cellBytes, () =>
        {
            SpawnSleepers(executor, tasks);
            executor.Run();
        });
        Assert.Equal(0, executor.TaskCount);
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
    public void Spawning_a_bare_sleep_allocates_one_object_the_cell_holding_the_sleep_inline()
    {
        const int tasks = 1_000;
        using var executor = new LocalExecutor();
        for (int round = 0; round < 2; round++) // warm up, as above: the executor's tables keep their size
        {
            SpawnBareSleeps(executor, tasks);
            executor.Run();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var probe = Future.Box<SleepFuture, Unit>(Time.Sleep(TimeSpan.FromMilliseconds(30)));
        long cellBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(probe);

        // Up to three measured rounds: a one-time allocation of the runtime (a table grown, a method tiered up under
        // a loaded CI machine: +1,952 B once) may land in one; the steady state must be exactly one cell per task.
        var rounds = new List<long>();
        JoinHandle<Unit> handle = default;
        for (int round = 0; round < 3 && (rounds.Count == 0 || rounds[^1] != tasks * cellBytes); round++)
        {
            before = GC.GetAllocatedBytesForCurrentThread();
            handle = SpawnBareSleeps(executor, tasks);
            executor.Run();
            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.IsType<FutureBox<SleepFuture, Unit>>(handle.Task); // the cell is the box: no second object around it
        Assert.Equal(tasks * cellBytes, rounds[^1]);
        Assert.Equal(0, executor.TaskCount);
    }

    /// <summary>Spawns <c>Time.Sleep(30 ms)</c> itself, no method around it; returns the last handle.</summary>
    private static JoinHandle<Unit> SpawnBareSleeps(LocalExecutor executor, int count)
    {
        JoinHandle<Unit> last = default;
        for (int i = 0; i < count; i++) last = executor.Spawn(Time.Sleep(TimeSpan.FromMilliseconds(30)));
        return last;
    }

    [Fact]
    public void Executor_Spawn_of_a_bare_sleep_makes_the_cell_itself_the_task_on_both_executors()
    {
        static async Future<bool> SpawnSleep()
        {
            var handle = Executor.Spawn(Time.Sleep(TimeSpan.FromMilliseconds(1)));
            await handle;
            return handle.Task is FutureBox<SleepFuture, Unit>;
        }
        Assert.True(Executor.BlockOn(SpawnSleep()));
        using var workStealing = new WorkStealingExecutor(workerCount: 2);
        Assert.True(workStealing.BlockOn(SpawnSleep(), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_sleep_embedded_in_a_machine_is_three_words()
    {
        // Where it stands (one reference), its timer handle, its deadline: every task that sleeps carries this inline.
        Assert.Equal(3 * sizeof(long), System.Runtime.CompilerServices.Unsafe.SizeOf<SleepFuture>());
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
