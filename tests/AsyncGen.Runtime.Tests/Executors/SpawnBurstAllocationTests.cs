using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// Issue 14: a burst of 100k spawns from a running task allocates the task cells only, once the LocalExecutor has
/// seen one such burst (its ready queue is an array ring that keeps its size; a ConcurrentQueue kept only its last
/// segment and allocated a larger one at the next burst: 20–50 B per task).
/// </summary>
public class SpawnBurstAllocationTests
{
    private const int Tasks = 100_000;

    [Fact]
    public void A_second_burst_of_spawns_from_a_task_allocates_exactly_the_task_cells()
    {
        using var executor = new LocalExecutor();
        executor.Spawn(Future.Box<Spawner, Unit>(new Spawner(Tasks)));
        executor.Run(); // one burst: JIT, the slot table, the ready queue

        long before = GC.GetAllocatedBytesForCurrentThread();
        var probe = Future.Box<Trivial, Unit>(default);
        long cellBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(probe);

        var spawners = new Queue<Future<Unit>>(); // allocated outside the measurement
        for (int i = 0; i < 3; i++) spawners.Enqueue(Future.Box<Spawner, Unit>(new Spawner(Tasks)));
        AllocationWindows.AssertOneWindowAllocates(Tasks * cellBytes, () =>
        {
            executor.Spawn(spawners.Dequeue());
            executor.Run();
        });
        Assert.Equal(0, executor.TaskCount);
    }

    /// <summary>Spawns <c>count</c> trivial tasks in one poll, as a server's accept loop or a fan-out does.</summary>
    private readonly struct Spawner(int count) : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx)
        {
            for (int i = 0; i < count; i++) Executor.Spawn(Future.Box<Trivial, Unit>(default));
            return Poll<Unit>.Ready(default);
        }

        public void Dispose() { }
    }

    private readonly struct Trivial : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx) => Poll<Unit>.Ready(default);

        public void Dispose() { }
    }
}
