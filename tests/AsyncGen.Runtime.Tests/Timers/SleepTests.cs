using System.Diagnostics;

namespace AsyncGen.Runtime.Tests.Timers;

public class SleepTests
{
    private static async Future<long> SleepAndMeasure(int ms, List<int> order)
    {
        var clock = Stopwatch.StartNew();
        await Time.Sleep(TimeSpan.FromMilliseconds(ms));
        order.Add(ms);
        return clock.ElapsedTicks;
    }

    [Fact]
    public void Sleeps_complete_in_deadline_order_and_never_early()
    {
        var order = new List<int>();
        int[] delays = [40, 5, 25, 1, 15, 33, 2];
        using var executor = new LocalExecutor();
        var handles = delays.Select(ms => (ms, handle: executor.Spawn(SleepAndMeasure(ms, order)))).ToArray();
        executor.Run();

        Assert.Equal(delays.Order(), order);
        foreach (var (ms, handle) in handles)
        {
            var cx = new Context(Waker.Noop);
            long ticks = handle.Poll(ref cx).Value;
            Assert.True(TimeSpan.FromTicks(ticks * TimeSpan.TicksPerSecond / Stopwatch.Frequency) >= TimeSpan.FromMilliseconds(ms), $"{ms} ms sleep woke early");
        }
    }

    [Fact]
    public void One_hundred_thousand_sleeps_complete()
    {
        var random = new Random(7);
        using var executor = new LocalExecutor();
        var handles = new JoinHandle<Unit>[100_000];
        for (int i = 0; i < handles.Length; i++) handles[i] = executor.Spawn(Time.Sleep(TimeSpan.FromMilliseconds(random.Next(1, 100))));
        executor.Run();
        Assert.All(handles, h => Assert.True(h.IsCompleted));
        Assert.Equal(0, executor.TaskCount);
    }

    [Fact]
    public void Disposing_a_pending_sleep_removes_its_timer()
    {
        using var executor = new LocalExecutor();
        var counter = new Support.CountingWakeTarget();
        var sleep = Time.Sleep(TimeSpan.FromMilliseconds(1));
        using (executor.Driver.Enter())
        {
            var cx = new Context(counter.Waker);
            Assert.True(sleep.Poll(ref cx).IsPending);
            Assert.Equal(1, executor.Driver.Timers.Count);
            sleep.Dispose();
            Assert.Equal(0, executor.Driver.Timers.Count);
            Thread.Sleep(5);
            executor.Driver.Timers.Advance(Time.NowMs);
        }
        Assert.Equal(0, counter.Wakes);
    }

    [Fact]
    public void Aborting_a_task_disposes_its_sleep()
    {
        using var executor = new LocalExecutor();
        var handle = executor.Spawn(Time.Sleep(TimeSpan.FromHours(1)));
        var aborter = executor.Spawn(AbortAfterFirstPoll(handle));
        executor.Run();
        Assert.Equal(0, executor.Driver.Timers.Count);
        Assert.Throws<OperationCanceledException>(() =>
        {
            var cx = new Context(Waker.Noop);
            handle.Poll(ref cx);
        });
        Assert.True(aborter.IsCompleted);
    }

    private static async Future<int> AbortAfterFirstPoll(JoinHandle<Unit> handle)
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        handle.Dispose();
        return 0;
    }

    [Fact]
    public void A_zero_sleep_is_ready_at_once_and_a_negative_one_is_rejected()
    {
        Executor.BlockOn(Time.Sleep(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => Time.Sleep(TimeSpan.FromMilliseconds(-1)));
    }

    [Fact]
    public void Timeout_cancels_a_slow_future_and_passes_a_fast_one()
    {
        Assert.Throws<TimeoutException>(() => Executor.BlockOn(Time.Timeout(Time.Sleep(TimeSpan.FromHours(1)), TimeSpan.FromMilliseconds(10))));
        Executor.BlockOn(Time.Timeout(Time.Sleep(TimeSpan.FromMilliseconds(1)), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Interval_ticks_once_per_period()
    {
        var interval = Time.Interval(TimeSpan.FromMilliseconds(5));
        long start = Time.NowMs;
        for (int i = 0; i < 3; i++) Executor.BlockOn(interval.Tick());
        Assert.True(Time.NowMs - start >= 15 - 1);
    }
}
