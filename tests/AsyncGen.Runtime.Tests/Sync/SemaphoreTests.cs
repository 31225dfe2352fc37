using System.Runtime.CompilerServices;
using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

public class SemaphoreTests
{
    [Fact]
    public void Acquire_completes_at_once_when_permits_are_free_and_dispose_returns_them()
    {
        var semaphore = new AsyncSemaphore(2);
        var wakes = new CountingWakeTarget();
        var acquire = semaphore.Acquire(2);
        var cx = new Context(wakes.Waker);
        var poll = acquire.Poll(ref cx);
        Assert.True(poll.IsReady);
        Assert.Equal(0, semaphore.AvailablePermits);
        poll.Value.Dispose();
        Assert.Equal(2, semaphore.AvailablePermits);
    }

    [Fact]
    public void Waiters_are_served_first_come_first_served()
    {
        var semaphore = new AsyncSemaphore(0);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var first = semaphore.Acquire();
        var second = semaphore.Acquire();
        Assert.True(first.Poll(ref cx).IsPending);
        Assert.True(second.Poll(ref cx).IsPending);

        semaphore.Release();
        Assert.Equal(1, wakes.Wakes);
        Assert.True(second.Poll(ref cx).IsPending);
        Assert.True(first.Poll(ref cx).IsReady);
        semaphore.Release();
        Assert.True(second.Poll(ref cx).IsReady);
    }

    [Fact]
    public void A_large_request_at_the_head_is_not_overtaken_by_smaller_ones()
    {
        var semaphore = new AsyncSemaphore(1);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var large = semaphore.Acquire(2);
        var small = semaphore.Acquire(1);
        Assert.True(large.Poll(ref cx).IsPending);
        Assert.True(small.Poll(ref cx).IsPending);
        Assert.False(semaphore.TryAcquire(out _));

        semaphore.Release();
        Assert.True(small.Poll(ref cx).IsPending);
        Assert.Equal(2, large.Poll(ref cx).Value.Count);
    }

    [Fact]
    public void Disposing_an_acquire_that_was_granted_but_not_polled_passes_the_permit_on()
    {
        var semaphore = new AsyncSemaphore(0);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var first = semaphore.Acquire();
        var second = semaphore.Acquire();
        Assert.True(first.Poll(ref cx).IsPending);
        Assert.True(second.Poll(ref cx).IsPending);

        semaphore.Release(); // granted to `first`, which is disposed before it sees it
        first.Dispose();
        Assert.True(second.Poll(ref cx).IsReady);
        Assert.Equal(0, semaphore.AvailablePermits);
    }

    [Fact]
    public void Disposing_a_queued_acquire_lets_the_waiter_behind_it_through()
    {
        var semaphore = new AsyncSemaphore(1);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var large = semaphore.Acquire(2);
        var small = semaphore.Acquire(1);
        Assert.True(large.Poll(ref cx).IsPending);
        Assert.True(small.Poll(ref cx).IsPending);

        large.Dispose();
        Assert.True(small.Poll(ref cx).IsReady);
    }

    [Fact]
    public void A_release_that_serves_more_waiters_than_one_wake_batch_wakes_them_all()
    {
        var semaphore = new AsyncSemaphore(0);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var waiters = new AcquireFuture[100]; // more than WakeList.Capacity (32): served in several batches
        for (int i = 0; i < waiters.Length; i++) waiters[i] = semaphore.Acquire();
        for (int i = 0; i < waiters.Length; i++) Assert.True(waiters[i].Poll(ref cx).IsPending);

        semaphore.Release(waiters.Length);
        Assert.Equal(waiters.Length, wakes.Wakes);
        for (int i = 0; i < waiters.Length; i++) Assert.True(waiters[i].Poll(ref cx).IsReady);
        Assert.Equal(0, semaphore.AvailablePermits);
    }

    [Fact]
    public void Steady_state_acquire_and_release_allocate_nothing()
    {
        var semaphore = new AsyncSemaphore(2);
        var wakes = new CountingWakeTarget();
        SyncTestSupport.AssertSteadyStateAllocatesNothing(count =>
        {
            var cx = new Context(wakes.Waker);
            for (int i = 0; i < count; i++)
            {
                var both = semaphore.Acquire(2);
                var permits = both.Poll(ref cx).Value;
                var queued = semaphore.Acquire();
                Assert.True(queued.Poll(ref cx).IsPending);
                permits.Dispose();
                queued.Poll(ref cx).Value.Dispose();
            }
        });
    }

    private static async Future Worker(AsyncSemaphore semaphore, int permits, int iterations, int seed, StrongBox<int> inside, StrongBox<int> completed)
    {
        var random = new Random(seed);
        for (int i = 0; i < iterations; i++)
        {
            // Race the acquire against a random number of yields: when the yields win, the pending acquire is
            // disposed, possibly just after a permit was granted to it.
            var race = await Future.Select(semaphore.Acquire(), SyncTestSupport.YieldTimes(random.Next(3)));
            if (!race.TryGetFirst(out var permit)) continue;
            using (permit)
            {
                int now = Interlocked.Increment(ref inside.Value);
                Assert.InRange(now, 1, permits);
                await Future.Yield();
                Interlocked.Decrement(ref inside.Value);
            }
            Interlocked.Increment(ref completed.Value);
        }
    }

    [Fact]
    public void Random_disposal_under_contention_from_tasks_and_threads_never_loses_a_permit()
    {
        const int permits = 3;
        var semaphore = new AsyncSemaphore(permits);
        var inside = new StrongBox<int>();
        var completed = new StrongBox<int>();
        SyncTestSupport.RunOnThreads(4, thread => Tasks(thread));

        Assert.Equal(permits, semaphore.AvailablePermits);
        Assert.True(completed.Value > 0);

        async Future Tasks(int thread)
        {
            var workers = Enumerable.Range(0, 4).Select(i => (IFuture<Unit>)Worker(semaphore, permits, 2_000, thread * 10 + i, inside, completed));
            await Future.JoinAll(workers);
        }
    }
}
