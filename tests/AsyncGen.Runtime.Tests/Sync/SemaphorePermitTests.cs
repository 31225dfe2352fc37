using System.Runtime.CompilerServices;
using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

/// <summary>
/// A <see cref="SemaphorePermit"/> gives its permits back once, however many times it or its copies are disposed
/// (it used to return them at every disposal, raising the semaphore's count above its size).
/// </summary>
public class SemaphorePermitTests
{
    [Fact]
    public void A_permit_disposed_by_using_and_by_hand_returns_its_permits_once()
    {
        var semaphore = new AsyncSemaphore(3);
        var cx = new Context(new CountingWakeTarget().Waker);
        using (var permit = semaphore.Acquire(2).Poll(ref cx).Value)
        {
            Assert.Equal(1, semaphore.AvailablePermits);
            permit.Dispose();
            Assert.Equal(3, semaphore.AvailablePermits);
        }
        Assert.Equal(3, semaphore.AvailablePermits);
    }

    [Fact]
    public void A_copy_of_a_disposed_permit_returns_nothing_and_says_it_is_not_held()
    {
        var semaphore = new AsyncSemaphore(1);
        Assert.True(semaphore.TryAcquire(out var permit));
        var copy = permit;
        Assert.True(copy.IsHeld);
        permit.Dispose();
        Assert.False(copy.IsHeld);
        copy.Dispose();
        Assert.Equal(1, semaphore.AvailablePermits);
    }

    [Fact]
    public void A_stale_permit_disposed_again_does_not_release_the_next_holder_of_its_slot()
    {
        var semaphore = new AsyncSemaphore(1);
        Assert.True(semaphore.TryAcquire(out var first));
        first.Dispose();
        Assert.True(semaphore.TryAcquire(out var second)); // takes the slot the first permit had, a generation later
        first.Dispose();
        Assert.True(second.IsHeld);
        Assert.Equal(0, semaphore.AvailablePermits);
        second.Dispose();
        Assert.Equal(1, semaphore.AvailablePermits);
    }

    [Fact]
    public void A_stale_copy_of_a_ledger_permit_does_not_release_the_next_holder_of_its_slot()
    {
        var semaphore = new AsyncSemaphore(2);
        Assert.True(semaphore.TryAcquire(out var inline)); // the inline ticket: the next permit takes a ledger slot
        Assert.True(semaphore.TryAcquire(out var first));
        var copy = first;
        first.Dispose();
        Assert.True(semaphore.TryAcquire(out var second)); // the same ledger slot, a generation later
        copy.Dispose();
        Assert.True(second.IsHeld);
        Assert.True(inline.IsHeld);
        Assert.Equal(0, semaphore.AvailablePermits);
        inline.Dispose();
        second.Dispose();
        Assert.Equal(2, semaphore.AvailablePermits);
    }

    [Fact]
    public void A_new_semaphore_and_its_first_acquire_and_release_allocate_only_the_semaphore()
    {
        // Per-key / per-connection semaphores: while one permit at a time is held, tickets allocate nothing (the
        // inline ticket), so creating a semaphore and using it once costs what creating it does.
        long onlyNew = MinBytesPerOp(() => GC.KeepAlive(new AsyncSemaphore(1)));
        long newAndUsed = MinBytesPerOp(() =>
        {
            var semaphore = new AsyncSemaphore(1);
            Assert.True(semaphore.TryAcquire(out var permit));
            permit.Dispose();
            permit.Dispose();
        });
        Assert.Equal(onlyNew, newAndUsed);
    }

    [Fact]
    public void A_second_holder_at_once_creates_the_ledger_once_and_then_allocates_nothing()
    {
        var semaphore = new AsyncSemaphore(2);
        SyncTestSupport.AssertSteadyStateAllocatesNothing(count =>
        {
            for (int i = 0; i < count; i++)
            {
                Assert.True(semaphore.TryAcquire(out var inline));
                Assert.True(semaphore.TryAcquire(out var slot)); // a ledger slot
                slot.Dispose();
                inline.Dispose();
            }
        });
        Assert.Equal(2, semaphore.AvailablePermits);
    }

    /// <summary>
    /// Bytes allocated per call of <paramref name="operation"/> (1,000 calls after a warm-up), the least of three runs:
    /// tier-up can record one-off bytes on this thread during a run (see <see cref="SyncTestSupport"/>).
    /// </summary>
    private static long MinBytesPerOp(Action operation)
    {
        const int calls = 1_000;
        for (int i = 0; i < calls; i++) operation();
        long least = long.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++) operation();
            least = Math.Min(least, (GC.GetAllocatedBytesForCurrentThread() - before) / calls);
        }
        return least;
    }

    [Fact]
    public void Disposing_default_does_nothing()
    {
        SemaphorePermit none = default;
        Assert.False(none.IsHeld);
        none.Dispose();
    }

    [Fact]
    public void Many_permits_held_at_once_each_return_once()
    {
        const int holders = 100; // the inline ticket and 99 ledger slots: chunks of 4, 8, 16, 32, 64, grown while permits are out
        var semaphore = new AsyncSemaphore(holders);
        var permits = new SemaphorePermit[holders];
        for (int i = 0; i < holders; i++) Assert.True(semaphore.TryAcquire(out permits[i]));
        foreach (var permit in permits) permit.Dispose();
        foreach (var permit in permits) permit.Dispose();
        Assert.Equal(holders, semaphore.AvailablePermits);
        Assert.All(permits, permit => Assert.False(permit.IsHeld));
    }

    [Fact]
    public void Two_threads_disposing_the_same_permits_at_once_return_each_exactly_once()
    {
        const int permitCount = 64;
        const int rounds = 300;
        var semaphore = new AsyncSemaphore(permitCount);
        var permits = new SemaphorePermit[permitCount];
        using var start = new Barrier(3);
        using var done = new Barrier(3);
        int stop = 0;
        // Both threads walk the same permits, one forwards and one backwards, so they collide on some of them in
        // every round; each round re-acquires every permit into slots retired in the round before.
        var disposers = new[] { false, true }.Select(backwards => new Thread(() =>
        {
            while (true)
            {
                start.SignalAndWait();
                if (Volatile.Read(ref stop) != 0) return;
                for (int i = 0; i < permitCount; i++) permits[backwards ? permitCount - 1 - i : i].Dispose();
                done.SignalAndWait();
            }
        })).ToArray();
        foreach (var thread in disposers) thread.Start();
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < permitCount; i++) Assert.True(semaphore.TryAcquire(out permits[i]), $"round {round}: permit {i} was not free");
            Assert.Equal(0, semaphore.AvailablePermits);
            start.SignalAndWait();
            done.SignalAndWait();
            Assert.Equal(permitCount, semaphore.AvailablePermits);
        }
        Volatile.Write(ref stop, 1);
        start.SignalAndWait();
        foreach (var thread in disposers) thread.Join();
    }

    [Theory]
    [InlineData(1)] // every permit takes the inline ticket: the threads contend on it
    [InlineData(3)] // the inline ticket and ledger slots, taken and retired concurrently
    public void Threads_acquiring_and_disposing_every_permit_twice_never_exceed_the_semaphore_size(int size)
    {
        const int iterations = 20_000;
        var semaphore = new AsyncSemaphore(size);
        int inside = 0, overfull = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < iterations; i++)
            {
                if (!semaphore.TryAcquire(out var permit)) continue;
                if (Interlocked.Increment(ref inside) > size) Interlocked.Increment(ref overfull);
                var copy = permit;
                Interlocked.Decrement(ref inside);
                permit.Dispose();
                copy.Dispose(); // the second disposal used to hand out a permit nobody had returned
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        Assert.Equal(0, overfull);
        Assert.Equal(size, semaphore.AvailablePermits);
    }

    private static async Future HoldAndDisposeTwice(AsyncSemaphore semaphore, int size, int rounds, StrongBox<int> inside, StrongBox<int> overfull)
    {
        for (int i = 0; i < rounds; i++)
        {
            using var permit = await semaphore.Acquire();
            if (Interlocked.Increment(ref inside.Value) > size) Interlocked.Increment(ref overfull.Value);
            await Future.Yield();
            Interlocked.Decrement(ref inside.Value);
            permit.Dispose(); // by hand, and again by the using at the end of the iteration
        }
    }

    [Fact]
    public void Tasks_on_two_workers_that_dispose_their_permits_by_hand_and_by_using_never_exceed_the_semaphore_size()
    {
        const int size = 2;
        var semaphore = new AsyncSemaphore(size);
        StrongBox<int> inside = new(), overfull = new();
        using (var executor = new WorkStealingExecutor(workerCount: 2))
        {
            var handles = Enumerable.Range(0, 8).Select(_ => executor.Spawn(HoldAndDisposeTwice(semaphore, size, 200, inside, overfull))).ToArray();
            foreach (var handle in handles) executor.BlockOn(handle, SyncTestSupport.StallLimit);
        }
        Assert.Equal(0, overfull.Value);
        Assert.Equal(size, semaphore.AvailablePermits);
    }
}
