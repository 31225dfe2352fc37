using System.Runtime.CompilerServices;
using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

public class AsyncMutexTests
{
    [Fact]
    public void Guard_gives_access_to_the_value_and_unlocks_on_dispose()
    {
        var mutex = new AsyncMutex<int>(41);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var lockFuture = mutex.Lock();
        using (var guard = lockFuture.Poll(ref cx).Value)
        {
            Assert.True(mutex.IsLocked);
            Assert.False(mutex.TryLock(out _));
            guard.Value++;
        }
        Assert.False(mutex.IsLocked);
        Assert.True(mutex.TryLock(out var again));
        Assert.Equal(42, again.Value);
        again.Dispose();
    }

    [Fact]
    public void Lock_is_handed_over_in_request_order()
    {
        var mutex = new AsyncMutex<string>("");
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(mutex.TryLock(out var held));
        var first = mutex.Lock();
        var second = mutex.Lock();
        Assert.True(first.Poll(ref cx).IsPending);
        Assert.True(second.Poll(ref cx).IsPending);

        held.Dispose();
        Assert.False(mutex.TryLock(out _)); // no barging past the queue
        Assert.True(second.Poll(ref cx).IsPending);
        var firstGuard = first.Poll(ref cx).Value;
        firstGuard.Dispose();
        second.Poll(ref cx).Value.Dispose();
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Disposing_a_lock_future_after_the_lock_was_handed_to_it_passes_the_lock_on()
    {
        var mutex = new AsyncMutex<int>(0);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(mutex.TryLock(out var held));
        var cancelled = mutex.Lock();
        var next = mutex.Lock();
        Assert.True(cancelled.Poll(ref cx).IsPending);
        Assert.True(next.Poll(ref cx).IsPending);

        held.Dispose();
        cancelled.Dispose();
        var guard = next.Poll(ref cx).Value;
        guard.Dispose();
        Assert.False(mutex.IsLocked);
    }

    private static async Future Incrementer(AsyncMutex<long> mutex, int iterations, int seed, StrongBox<long> expected)
    {
        var random = new Random(seed);
        for (int i = 0; i < iterations; i++)
        {
            var race = await Future.Select(mutex.Lock(), SyncTestSupport.YieldTimes(random.Next(3)));
            if (!race.TryGetFirst(out var guard)) continue;
            using (guard)
            {
                long before = guard.Value;
                await Future.Yield(); // hold the lock across a suspension: a non-exclusive lock would lose updates
                guard.Value = before + 1;
            }
            Interlocked.Increment(ref expected.Value);
        }
    }

    [Fact]
    public void Increments_under_the_lock_are_exclusive_across_tasks_and_threads_with_random_cancellation()
    {
        var mutex = new AsyncMutex<long>(0);
        var expected = new StrongBox<long>();
        SyncTestSupport.RunOnThreads(4, thread =>
            Future.JoinAll(Enumerable.Range(0, 4).Select(i => (IFuture<Unit>)Incrementer(mutex, 2_000, thread * 10 + i, expected))));

        Assert.True(mutex.TryLock(out var guard));
        Assert.Equal(expected.Value, guard.Value);
        Assert.True(guard.Value > 0);
        guard.Dispose();
    }

    [Fact]
    public void Steady_state_lock_and_unlock_allocate_nothing()
    {
        var mutex = new AsyncMutex<int>(0);
        var wakes = new CountingWakeTarget();
        SyncTestSupport.AssertSteadyStateAllocatesNothing(RoundTrips);

        void RoundTrips(int count)
        {
            var cx = new Context(wakes.Waker);
            for (int i = 0; i < count; i++)
            {
                var uncontended = mutex.Lock();
                var guard = uncontended.Poll(ref cx).Value;
                var contended = mutex.Lock();
                Assert.True(contended.Poll(ref cx).IsPending); // queued in the slab
                guard.Value++;
                guard.Dispose();                                 // hands the lock over
                contended.Poll(ref cx).Value.Dispose();
            }
        }
    }
}
