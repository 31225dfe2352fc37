using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>The hot path allocates nothing: poll, wake, re-poll.</summary>
public class AllocationTests
{
    [Fact]
    public void Ten_thousand_wake_and_repoll_cycles_allocate_nothing()
    {
        using var executor = new LocalExecutor();
        executor.Spawn(new SelfWakingFuture(times: 100)); // warm up: JIT, queue segments, table slots
        executor.Run();

        var future = new SelfWakingFuture(times: 10_000);
        executor.Spawn(future);
        long before = GC.GetAllocatedBytesForCurrentThread();
        executor.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10_001, future.Polls);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Spawn_allocates_one_task_cell_and_nothing_else()
    {
        using var executor = new LocalExecutor();
        var warmUp = new SelfWakingFuture(0);
        executor.Spawn(warmUp);
        executor.Run();

        IFuture<int> future = new SelfWakingFuture(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        executor.Spawn(future);
        long spawnBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(new TaskCell<int>(future, executor));
        long cellBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(cellBytes, spawnBytes);
        executor.Run();
    }
}
