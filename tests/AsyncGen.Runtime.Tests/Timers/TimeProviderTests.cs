using AsyncGen.Runtime.Tests.Combinators;
using AsyncGen.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AsyncGen.Runtime.Tests.Timers;

public class TimeProviderTests
{
    [Fact]
    public void A_sleep_on_a_fake_clock_completes_when_the_clock_is_advanced_to_its_deadline_and_not_before()
    {
        var clock = new FakeTimeProvider();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var sleep = Time.Sleep(TimeSpan.FromSeconds(1), clock);

        Assert.True(sleep.Poll(ref cx).IsPending);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, wakes.Wakes);
        Assert.True(sleep.Poll(ref cx).IsPending);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, wakes.Wakes);
        Assert.True(sleep.Poll(ref cx).IsReady);
    }

    [Fact]
    public void The_time_of_a_fake_clock_sleep_counts_from_its_creation()
    {
        var clock = new FakeTimeProvider();
        var sleep = Time.Sleep(TimeSpan.FromSeconds(1), clock);
        clock.Advance(TimeSpan.FromSeconds(1));
        var cx = new Context(Waker.Noop);
        Assert.True(sleep.Poll(ref cx).IsReady);
    }

    [Fact]
    public void Disposing_a_pending_fake_clock_sleep_disposes_its_timer()
    {
        var clock = new FakeTimeProvider();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var sleep = Time.Sleep(TimeSpan.FromSeconds(1), clock);
        Assert.True(sleep.Poll(ref cx).IsPending);
        sleep.Dispose();
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, wakes.Wakes);
    }

    [Fact]
    public void A_timeout_on_a_fake_clock_disposes_the_future_and_throws_when_the_clock_passes_the_limit()
    {
        var clock = new FakeTimeProvider();
        var inner = new TrackedFuture<int>(0, pendingPolls: -1);
        var wakes = new CountingWakeTarget();
        var timeout = Time.Timeout(inner, TimeSpan.FromSeconds(5), clock);
        var cx = new Context(wakes.Waker);
        Assert.True(timeout.Poll(ref cx).IsPending);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Throws<TimeoutException>(() => { var c = new Context(wakes.Waker); timeout.Poll(ref c); });
        Assert.Equal(1, inner.Disposals);
    }

    [Fact]
    public void An_interval_on_a_fake_clock_ticks_once_per_period_advanced()
    {
        var clock = new FakeTimeProvider();
        var interval = Time.Interval(TimeSpan.FromSeconds(10), clock);
        var cx = new Context(Waker.Noop);
        for (int i = 0; i < 3; i++)
        {
            var tick = interval.Tick();
            Assert.True(tick.Poll(ref cx).IsPending);
            clock.Advance(TimeSpan.FromSeconds(10));
            Assert.True(tick.Poll(ref cx).IsReady);
        }
        var early = interval.Tick();
        Assert.True(early.Poll(ref cx).IsPending);
    }

    [Fact]
    public async Task A_fake_clock_sleep_completes_inside_an_executor_when_another_thread_advances_the_clock()
    {
        var clock = new FakeTimeProvider();
        var sleeping = new TaskCompletionSource();
        var advancer = Task.Run(async () =>
        {
            // The executor's first poll creates the provider timer; advance until it has fired (one second each).
            for (int i = 0; i < 600 && !sleeping.Task.IsCompleted; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(10);
            }
        });
        Executor.BlockOn(Time.Sleep(TimeSpan.FromMinutes(1), clock), Sync.SyncTestSupport.StallLimit);
        sleeping.SetResult();
        await advancer;
        Assert.True(clock.GetUtcNow() - clock.Start >= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void The_system_provider_uses_the_executors_timer_wheel()
    {
        var sleep = Time.Sleep(TimeSpan.FromSeconds(1), TimeProvider.System);
        // The wheel lives in the executor: polling a wheel sleep by hand says so.
        Assert.Throws<InvalidOperationException>(() => { var cx = new Context(Waker.Noop); sleep.Poll(ref cx); });
    }
}
