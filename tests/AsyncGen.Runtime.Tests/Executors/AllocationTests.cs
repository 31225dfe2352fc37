using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>The hot path allocates nothing: poll, wake, re-poll; a spawn allocates its task cell and nothing else.</summary>
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
    public void Spawn_of_a_boxed_struct_future_allocates_nothing_the_box_is_the_task()
    {
        using var executor = new LocalExecutor();
        executor.Spawn(Future.Box<CountdownFuture, int>(new CountdownFuture(2)));
        executor.Run(); // warm up: JIT, queue segment, table slot

        long before = GC.GetAllocatedBytesForCurrentThread();
        var box = Future.Box<CountdownFuture, int>(new CountdownFuture(2));
        long boxBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        var handle = executor.Spawn(box);
        executor.Run();
        long spawnAndRunBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, spawnAndRunBytes);
        Assert.True(handle.IsCompleted);
        Assert.Same(box, handle.AsFuture());
        Assert.InRange(boxBytes, 1, 96); // the goal for a trivial task
    }

    [Fact]
    public void Spawn_of_a_future_object_allocates_one_box_around_it()
    {
        using var executor = new LocalExecutor();
        executor.Spawn(new SelfWakingFuture(0));
        executor.Run();

        IFuture<int> future = new SelfWakingFuture(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        executor.Spawn(future);
        long spawnBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(new FutureBox<FutureRef<int>, int>(new FutureRef<int>(future)));
        long boxBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(boxBytes, spawnBytes);
        executor.Run();
    }

    /// <summary>A hand-written struct future: Ready after waking itself <c>remaining</c> times.</summary>
    private struct CountdownFuture(int remaining) : IFuture<int>
    {
        private int _remaining = remaining;

        public Poll<int> Poll(ref Context cx)
        {
            if (_remaining == 0) return Poll<int>.Ready(42);
            _remaining--;
            cx.Waker.Wake();
            return Poll<int>.Pending;
        }
    }
}
