using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

public class NotifyTests
{
    [Fact]
    public void NotifyOne_without_waiters_stores_exactly_one_permit()
    {
        var notify = new Notify();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        notify.NotifyOne();
        notify.NotifyOne();
        var first = notify.Notified();
        var second = notify.Notified();
        Assert.True(first.Poll(ref cx).IsReady);
        Assert.True(second.Poll(ref cx).IsPending);
    }

    [Fact]
    public void NotifyOne_releases_the_longest_waiting_future()
    {
        var notify = new Notify();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var first = notify.Notified();
        var second = notify.Notified();
        Assert.True(first.Poll(ref cx).IsPending);
        Assert.True(second.Poll(ref cx).IsPending);

        notify.NotifyOne();
        Assert.Equal(1, wakes.Wakes);
        Assert.True(second.Poll(ref cx).IsPending);
        Assert.True(first.Poll(ref cx).IsReady);
    }

    [Fact]
    public void NotifyAll_releases_futures_created_before_it_even_if_not_yet_polled_but_not_later_ones()
    {
        var notify = new Notify();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var polled = notify.Notified();
        var notYetPolled = notify.Notified();
        Assert.True(polled.Poll(ref cx).IsPending);

        notify.NotifyAll();
        var later = notify.Notified();
        Assert.True(polled.Poll(ref cx).IsReady);
        Assert.True(notYetPolled.Poll(ref cx).IsReady);
        Assert.True(later.Poll(ref cx).IsPending); // NotifyAll stores no permit
    }

    [Fact]
    public void Disposing_a_future_chosen_by_NotifyOne_passes_the_notification_on()
    {
        var notify = new Notify();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var chosen = notify.Notified();
        var next = notify.Notified();
        Assert.True(chosen.Poll(ref cx).IsPending);
        Assert.True(next.Poll(ref cx).IsPending);

        notify.NotifyOne();
        chosen.Dispose();
        Assert.True(next.Poll(ref cx).IsReady);

        var alone = notify.Notified();
        Assert.True(alone.Poll(ref cx).IsPending);
        notify.NotifyOne();
        alone.Dispose();                                  // nobody left to pass it to: kept as the permit
        var after = notify.Notified();
        Assert.True(after.Poll(ref cx).IsReady);
    }

    [Fact]
    public void NotifyAll_wakes_more_waiters_than_one_wake_batch()
    {
        var notify = new Notify();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var waiters = new NotifiedFuture[100]; // more than WakeList.Capacity (32)
        for (int i = 0; i < waiters.Length; i++) waiters[i] = notify.Notified();
        for (int i = 0; i < waiters.Length; i++) Assert.True(waiters[i].Poll(ref cx).IsPending);

        notify.NotifyAll();
        Assert.Equal(waiters.Length, wakes.Wakes);
        for (int i = 0; i < waiters.Length; i++) Assert.True(waiters[i].Poll(ref cx).IsReady);
    }

    [Fact]
    public void Steady_state_notify_and_wait_allocate_nothing()
    {
        var notify = new Notify();
        var wakes = new CountingWakeTarget();
        SyncTestSupport.AssertSteadyStateAllocatesNothing(count =>
        {
            var cx = new Context(wakes.Waker);
            for (int i = 0; i < count; i++)
            {
                var waiting = notify.Notified();
                Assert.True(waiting.Poll(ref cx).IsPending);
                notify.NotifyOne();
                Assert.True(waiting.Poll(ref cx).IsReady);
                notify.NotifyOne(); // stored as the permit
                var immediate = notify.Notified();
                Assert.True(immediate.Poll(ref cx).IsReady);
            }
        });
    }

    private static async Future PingPong(Notify mine, Notify theirs, int rounds, bool starts)
    {
        for (int i = 0; i < rounds; i++)
        {
            if (starts) theirs.NotifyOne();
            await mine.Notified();
            if (!starts) theirs.NotifyOne();
        }
    }

    [Fact]
    public void Ping_pong_between_threads_loses_no_notification()
    {
        var ping = new Notify();
        var pong = new Notify();
        // Each side waits for the other 20,000 times: one lost notification and the run stalls (and fails).
        SyncTestSupport.RunOnThreads(2, thread => thread == 0
            ? PingPong(ping, pong, 20_000, starts: true)
            : PingPong(pong, ping, 20_000, starts: false));
    }
}
