using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

public class MutexGuardTests
{
    [Fact]
    public void Disposing_a_guard_twice_does_not_unlock_the_next_holder()
    {
        var mutex = new AsyncMutex<int>(0);
        Assert.True(mutex.TryLock(out var guard));
        var copy = guard;
        guard.Dispose();
        Assert.True(mutex.TryLock(out var next));

        guard.Dispose();
        copy.Dispose();

        Assert.True(mutex.IsLocked);
        Assert.False(mutex.TryLock(out _));
        next.Dispose();
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void A_stale_guard_cannot_reach_the_value()
    {
        var mutex = new AsyncMutex<int>(41);
        Assert.True(mutex.TryLock(out var guard));
        guard.Value++;
        guard.Dispose();
        Assert.Throws<InvalidOperationException>(() => guard.Value++);
        Assert.True(mutex.TryLock(out var next));
        Assert.Equal(42, next.Value);
        next.Dispose();
    }
}
