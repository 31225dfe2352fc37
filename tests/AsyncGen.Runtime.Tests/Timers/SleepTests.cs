using System.Diagnostics;

namespace AsyncGen.Runtime.Tests.Timers;

public class SleepTests
{
    private static async Future<int> AwaitSleep(SleepFuture sleep, int ms, List<int> order)
    {
        await sleep;
        order.Add(ms);
        return ms;
    }

    [Fact]
    public void Sleeps_complete_in_deadline_order_and_never_early()
    {
        using var executor = new LocalExecutor();
        var clock = Stopwatch.StartNew();
        var finished = new long[7];
        // Warm up (JIT, reactor): a sleep's time counts from its creation, so the first polls must follow quickly.
        executor.BlockOn(Record(AwaitSleep(Time.Sleep(TimeSpan.FromMilliseconds(1)), 0, []), clock, finished, 0));

        var order = new List<int>();
        int[] delays = [400, 50, 250, 10, 150, 330, 20]; // 10 ms apart: an executor descheduled for a few ms does not reorder them
        clock.Restart();
        var sleeps = delays.Select(ms => Time.Sleep(TimeSpan.FromMilliseconds(ms))).ToArray();
        for (int i = 0; i < delays.Length; i++) executor.Spawn(Record(AwaitSleep(sleeps[i], delays[i], order), clock, finished, i));
        executor.Run();

        Assert.Equal(delays.Order(), order);
        for (int i = 0; i < delays.Length; i++)
            Assert.True(finished[i] >= delays[i], $"{delays[i]} ms sleep finished after {finished[i]} ms");
    }

    private static async Future<int> Record(Future<int> sleep, Stopwatch clock, long[] finished, int index)
    {
        await sleep;
        finished[index] = clock.ElapsedMilliseconds;
        return 0;
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
        Assert.Throws<ArgumentOutOfRangeException>(() => Time.Sleep(TimeSpan.FromMilliseconds(-2)));
    }

    [Fact]
    public void Timeout_cancels_a_slow_future_and_passes_a_fast_one()
    {
        Assert.Throws<TimeoutException>(() => Executor.BlockOn(Time.Timeout(Time.Sleep(TimeSpan.FromHours(1)), TimeSpan.FromMilliseconds(10))));
        Executor.BlockOn(Time.Timeout(Time.Sleep(TimeSpan.FromMilliseconds(1)), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_tick_that_loses_a_race_is_not_consumed()
    {
        var interval = Time.Interval(TimeSpan.FromMilliseconds(20));
        var first = interval.Tick();
        first.Dispose(); // e.g. the losing side of a select
        var second = interval.Tick();
        Assert.Equal(first.DeadlineMs, second.DeadlineMs);
        Executor.BlockOn(second);
        Assert.Equal(second.DeadlineMs + 20, interval.Tick().DeadlineMs);
    }

    [Fact]
    public void An_infinite_sleep_never_fires_and_an_infinite_timeout_never_gives_up()
    {
        Assert.Equal(long.MaxValue, Time.Sleep(System.Threading.Timeout.InfiniteTimeSpan).DeadlineMs);
        Executor.BlockOn(Time.Timeout(Time.Sleep(TimeSpan.FromMilliseconds(1)), System.Threading.Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Interval_ticks_once_per_period()
    {
        var interval = Time.Interval(TimeSpan.FromMilliseconds(5));
        long start = Time.NowMs;
        for (int i = 0; i < 3; i++) Executor.BlockOn(interval.Tick());
        Assert.True(Time.NowMs - start >= 15 - 1);
    }

    [Fact]
    public void A_negative_timeout_limit_is_refused_naming_the_limit_and_an_infinite_one_never_gives_up()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Time.Timeout(Time.Sleep(TimeSpan.Zero), TimeSpan.FromSeconds(-5)));
        Assert.Equal("limit", error.ParamName);
        Assert.Contains("Timeout.InfiniteTimeSpan", error.Message, StringComparison.Ordinal);
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(
            () => Time.Timeout(Time.Sleep(TimeSpan.Zero), TimeSpan.FromSeconds(-5), TimeProvider.System)).ParamName);

        Executor.BlockOn(Time.Timeout(Time.Sleep(TimeSpan.FromMilliseconds(1)), Timeout.InfiniteTimeSpan));
    }
}
