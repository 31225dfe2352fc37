using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Combinators;

/// <summary>Dropping a join drops the results it holds: a lock one side already took is released.</summary>
public class JoinCancellationTests
{
    [Fact]
    public void Cancelling_a_join_releases_the_lock_a_finished_side_took()
    {
        var first = new AsyncMutex<int>(0);
        var second = new AsyncMutex<int>(0);
        Assert.True(second.TryLock(out var held));
        var join = Future.Join(first.Lock(), second.Lock());
        var cx = new Context(Waker.Noop);
        Assert.True(join.Poll(ref cx).IsPending);

        join.Dispose();
        held.Dispose();

        Assert.False(first.IsLocked);
        Assert.False(second.IsLocked);
    }

    [Fact]
    public void A_join_whose_other_side_throws_releases_the_lock_a_finished_side_took()
    {
        var mutex = new AsyncMutex<int>(0);
        var failing = new TrackedFuture<int>(0, pendingPolls: 1, error: new InvalidOperationException("boom"));
        var join = Future.Join(mutex.Lock(), failing);
        var cx = new Context(Waker.Noop);
        Assert.True(join.Poll(ref cx).IsPending);

        Assert.Throws<InvalidOperationException>(() =>
        {
            var cx2 = new Context(Waker.Noop);
            join.Poll(ref cx2);
        });

        Assert.False(mutex.IsLocked);
    }
}

/// <summary>A select whose loser fails to clean up still releases what the winner's result owns.</summary>
public class SelectCleanupTests
{
    private sealed class PendingWithFailingCleanup : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => Poll<int>.Pending;

        public void Dispose() => throw new InvalidDataException("cleanup failed");
    }

    [Fact]
    public void When_the_loser_cleanup_throws_the_winner_lock_is_released()
    {
        var mutex = new AsyncMutex<int>(0);
        var select = Future.Select(mutex.Lock(), new PendingWithFailingCleanup());
        Assert.Throws<InvalidDataException>(() =>
        {
            var cx = new Context(Waker.Noop);
            select.Poll(ref cx);
        });
        Assert.False(mutex.IsLocked);
    }
}
