using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

public class NotifyDuringBroadcastTests
{
    // A waiter woken by the broadcast (its task runs at once on another thread, here: inline in the wake) calls
    // NotifyOne while NotifyAll is between two WakeList batches (more than 32 waiters).
    private sealed class NotifyOneOnFirstWake(Notify notify, Action beforeNotifyOne) : IWakeTarget
    {
        private int _fired;

        public void Wake(int slot, int generation)
        {
            if (Interlocked.Exchange(ref _fired, 1) != 0) return;
            beforeNotifyOne();
            notify.NotifyOne();
        }
    }

    [Fact]
    public void A_NotifyOne_during_a_batched_broadcast_is_not_absorbed_by_a_waiter_the_broadcast_releases()
    {
        var notify = new Notify();
        var late = notify.Notified(); // polled first inside the callback: after the broadcast, so it must wait for NotifyOne
        var target = new NotifyOneOnFirstWake(notify, () =>
        {
            late = notify.Notified(); // created after the broadcast
            var cx = new Context(Waker.Noop);
            Assert.True(late.Poll(ref cx).IsPending);
        });

        var early = new NotifiedFuture[40];
        for (int i = 0; i < early.Length; i++)
        {
            early[i] = notify.Notified();
            var cx = new Context(i == 0 ? new Waker(target, 0, 0) : Waker.Noop);
            Assert.True(early[i].Poll(ref cx).IsPending);
        }

        notify.NotifyAll();

        for (int i = 0; i < early.Length; i++)
        {
            var cx = new Context(Waker.Noop);
            Assert.True(early[i].Poll(ref cx).IsReady);
        }
        var lateCx = new Context(Waker.Noop);
        Assert.True(late.Poll(ref lateCx).IsReady); // the NotifyOne was handed to early[32], which the broadcast released anyway
    }
}
