using AsyncGen.Drivers;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>Regressions found by review: each test failed before its fix.</summary>
public class ReviewRegressionTests
{
    /// <summary>Its Dispose wakes its own waker from another thread, then lingers: a second dispose would overlap.</summary>
    private sealed class WakingOnDispose : IFuture<int>
    {
        private Waker _waker;
        public int Disposals;
        public volatile bool Polled;

        public Poll<int> Poll(ref Context cx)
        {
            _waker = cx.Waker;
            Polled = true;
            return Poll<int>.Pending;
        }

        public void Dispose()
        {
            Interlocked.Increment(ref Disposals);
            var waker = _waker;
            var thread = new Thread(() => waker.Wake());
            thread.Start();
            thread.Join();
            Thread.Sleep(100);
        }
    }

    [Fact]
    public void An_aborted_task_is_disposed_once_even_if_its_cleanup_wakes_it()
    {
        var future = new WakingOnDispose();
        using var executor = new WorkStealingExecutor(workerCount: 2);
        var handle = executor.Spawn(future);
        while (!future.Polled) Thread.Yield();
        handle.Abort();
        Assert.Throws<OperationCanceledException>(() => executor.BlockOn(handle));
        Thread.Sleep(200);
        Assert.Equal(1, future.Disposals);
    }

    private static int s_retries;

    private static async Future<int> RetriesForever()
    {
        while (true)
        {
            try
            {
                await Time.Sleep(TimeSpan.FromDays(1));
            }
            catch (Exception)
            {
                s_retries++;
            }
        }
    }

    [Fact]
    public void Disposing_a_fallback_loop_that_catches_everything_terminates()
    {
        s_retries = 0;
        var executor = new LocalExecutor();
        executor.Spawn(RetriesForever());
        Assert.Throws<StalledTaskException>(() => executor.BlockOn(Time.Sleep(TimeSpan.FromDays(1)), TimeSpan.FromMilliseconds(20)));
        executor.Dispose();
        Assert.InRange(s_retries, 1, 64);
    }

    private static int s_parentFinally;

    private static async Future<int> ChildThrowsInFinally()
    {
        try
        {
            await Time.Sleep(TimeSpan.FromDays(1));
            return 0;
        }
        finally
        {
            throw new InvalidOperationException("cleanup failed");
        }
    }

    private static async Future<int> ParentWithFinally()
    {
        try
        {
            return await ChildThrowsInFinally();
        }
        finally
        {
            s_parentFinally++;
        }
    }

    [Fact]
    public void A_parent_finally_runs_when_the_child_cleanup_throws()
    {
        s_parentFinally = 0;
        var executor = new LocalExecutor();
        executor.Spawn(ParentWithFinally());
        Assert.Throws<StalledTaskException>(() => executor.BlockOn(Time.Sleep(TimeSpan.FromDays(1)), TimeSpan.FromMilliseconds(20)));
        executor.Dispose();
        Assert.Equal(1, s_parentFinally);
    }

    /// <summary>A UI-like context that never runs what is posted to it.</summary>
    private sealed class NeverPumpedContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) { }
    }

    private static async Future<int> AwaitsATask()
    {
        await Task.Delay(10);
        return 5;
    }

    [Fact]
    public void BlockOn_under_a_synchronization_context_that_is_not_pumped_still_completes()
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new NeverPumpedContext());
        try
        {
            Assert.Equal(5, Executor.BlockOn(AwaitsATask(), TimeSpan.FromSeconds(10)));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [Fact]
    public void A_timer_beyond_the_wheel_span_does_not_hide_nearer_top_level_timers()
    {
        var target = new CountingWakeTarget();
        var wheel = new TimerWheel(startMs: 5_000);
        wheel.Insert(long.MaxValue / 2, target.Waker);
        long twoWeeks = 5_000 + (long)TimeSpan.FromDays(14).TotalMilliseconds;
        wheel.Insert(twoWeeks, target.Waker);

        Assert.True(wheel.NextDeadline <= twoWeeks);
        while (wheel.NextDeadline <= twoWeeks) wheel.Advance(wheel.NextDeadline);
        Assert.Equal(1, target.Wakes);
    }

    [Fact]
    public void A_timer_that_fires_between_polls_reports_fired_instead_of_storing_the_new_waker()
    {
        var first = new CountingWakeTarget();
        var second = new CountingWakeTarget();
        var wheel = new TimerWheel(startMs: 0);
        var handle = wheel.Insert(10, first.Waker);
        Assert.False(wheel.PollFired(handle, first.Waker));
        wheel.Advance(10);
        Assert.True(wheel.PollFired(handle, second.Waker));
        Assert.Equal(1, first.Wakes);
    }
}
