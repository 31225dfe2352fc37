using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

/// <summary>Close fails every queued acquisition, even when releases arrive while it is failing them.</summary>
public class BatchSemaphoreCloseTests
{
    /// <summary>A waiter whose wake releases a permit: a sender that gives up its room as soon as it hears of the close.</summary>
    private sealed class ReleasingWaker(BatchSemaphore semaphore) : IWakeTarget
    {
        public void Wake(int slot, int generation) => semaphore.Release(1);
    }

    [Fact]
    public void Releases_during_a_close_of_more_waiters_than_one_wake_list_grant_none_of_them()
    {
        const int Waiters = 40; // more than the 32 a wake list holds: Close wakes them in two rounds
        var semaphore = new BatchSemaphore(0);
        var waker = new Waker(new ReleasingWaker(semaphore), 0, 0);
        var tokens = new WaiterToken[Waiters];
        for (int i = 0; i < Waiters; i++) Assert.False(semaphore.PollAcquire(ref tokens[i], 1, waker).IsReady);

        semaphore.Close();

        for (int i = 0; i < Waiters; i++)
        {
            var poll = semaphore.PollAcquire(ref tokens[i], 1, waker);
            Assert.True(poll.IsReady, $"waiter {i} still waits after the close");
            Assert.False(poll.Value, $"waiter {i} was granted after the close");
        }
    }
}
