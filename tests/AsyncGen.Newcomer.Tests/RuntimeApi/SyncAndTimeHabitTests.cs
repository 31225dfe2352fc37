using System.Collections.Concurrent;
using System.Diagnostics;
using AsyncGen.Sync;

namespace AsyncGen.Newcomer.Tests.RuntimeApi;

/// <summary>
/// SemaphoreSlim, lock and Task.Delay habits moved to AsyncGen's semaphore, mutex, Notify and timers. Each test
/// states first what the .NET equivalent does.
/// </summary>
public partial class SyncAndTimeHabitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private sealed class Gauge
    {
        private int _now;
        public int Peak;
        public int Done;

        public void Enter()
        {
            int now = Interlocked.Increment(ref _now);
            int peak;
            while (now > (peak = Volatile.Read(ref Peak)) && Interlocked.CompareExchange(ref Peak, now, peak) != peak) { }
        }

        public void Leave()
        {
            Interlocked.Decrement(ref _now);
            Interlocked.Increment(ref Done);
        }
    }

    [PollAsync]
    private static async Future Throttled(AsyncSemaphore semaphore, Gauge gauge)
    {
        using var permit = await semaphore.Acquire();
        gauge.Enter();
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        gauge.Leave();
    }

    [PollAsync]
    private static async Future RunThrottled(AsyncSemaphore semaphore, Gauge gauge, int jobs)
    {
        var handles = new List<JoinHandle<Unit>>();
        for (int i = 0; i < jobs; i++) handles.Add(Executor.Spawn(Throttled(semaphore, gauge)));
        await Future.JoinAll(handles);
    }

    /// <summary>
    /// .NET: <c>await semaphore.WaitAsync(); try { … } finally { semaphore.Release(); }</c> keeps at most N jobs
    /// inside. Here <c>using var permit = await semaphore.Acquire()</c>, 30 jobs, 3 permits, two workers.
    /// </summary>
    [Fact]
    public void A_semaphore_lets_at_most_its_permits_in_and_gives_them_all_back()
    {
        var semaphore = new AsyncSemaphore(3);
        var gauge = new Gauge();
        using var pool = new WorkStealingExecutor(2);
        pool.BlockOn(RunThrottled(semaphore, gauge, 30), Limit);
        Assert.Equal(30, gauge.Done);
        Assert.InRange(gauge.Peak, 1, 3);
        Assert.Equal(3, semaphore.AvailablePermits);
    }

    [PollAsync]
    private static async Future<int> Increment(AsyncMutex<int[]> counter, int times)
    {
        for (int i = 0; i < times; i++)
        {
            using var guard = await counter.Lock();
            int read = guard.Value[0];
            if (i % 7 == 0) await Future.Yield(); // hold the lock across an await, as the mutex allows
            guard.Value[0] = read + 1;
        }
        return times;
    }

    [PollAsync]
    private static async Future<int> ThrowWhileLocked(AsyncMutex<int[]> counter)
    {
        try
        {
            using var guard = await counter.Lock();
            guard.Value[0] += 1000;
            throw new InvalidOperationException("inside the lock");
        }
        catch (InvalidOperationException)
        {
            using var again = await counter.Lock(); // would never complete if the throw had kept the lock
            return again.Value[0];
        }
    }

    /// <summary>
    /// .NET: a read-modify-write under a lock from 8 concurrent tasks loses no update, and an exception inside a
    /// <c>lock</c> (or a SemaphoreSlim try/finally) releases it.
    /// </summary>
    [Fact]
    public void A_mutex_held_across_awaits_loses_no_update_and_an_exception_releases_it()
    {
        var counter = new AsyncMutex<int[]>([0]);
        using var pool = new WorkStealingExecutor(2);
        var handles = Enumerable.Range(0, 8).Select(_ => pool.Spawn(Increment(counter, 200))).ToList();
        Assert.Equal(1600, handles.Sum(h => pool.BlockOn(h, Limit)));
        Assert.Equal(2600, pool.BlockOn(ThrowWhileLocked(counter), Limit));
        Assert.False(counter.IsLocked);
    }

    [PollAsync]
    private static async Future<int> WaitForSignals(Notify notify, int signals, SemaphoreSlim consumed)
    {
        int seen = 0;
        while (seen < signals)
        {
            await notify.Notified();
            seen++;
            consumed.Release();
        }
        return seen;
    }

    /// <summary>
    /// .NET: a SemaphoreSlim(0) released from a plain thread wakes the awaiting task; a release made before the
    /// wait is not lost. Here <c>Notify.NotifyOne</c> from a plain thread wakes the waiting future, or is stored for
    /// the next wait if nobody waits yet; unlike SemaphoreSlim, several stored notifications are one (tokio's Notify,
    /// as its docs say), so the thread waits until each was consumed before the next.
    /// </summary>
    [Fact]
    public async Task NotifyOne_from_a_plain_thread_wakes_a_waiting_future()
    {
        var notify = new Notify();
        using var consumed = new SemaphoreSlim(0);
        using var pool = new WorkStealingExecutor(2);
        var waiter = pool.SpawnAsTask(WaitForSignals(notify, 3, consumed));
        var thread = new Thread(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                notify.NotifyOne();
                consumed.Wait(Limit);
            }
        });
        thread.Start();
        Assert.Equal(3, await waiter.WaitAsync(Limit));
        thread.Join();
    }

    [PollAsync]
    private static async Future<string> SleepAndRecord(ConcurrentQueue<int> order, int ms)
    {
        var watch = Stopwatch.StartNew();
        await Time.Sleep(TimeSpan.FromMilliseconds(ms));
        order.Enqueue(ms);
        return watch.Elapsed >= TimeSpan.FromMilliseconds(ms) ? "on time or late" : $"early: {watch.Elapsed.TotalMilliseconds} ms";
    }

    [PollAsync]
    private static async Future<string[]> SleepMany(ConcurrentQueue<int> order) =>
        await Future.JoinAll([SleepAndRecord(order, 30), SleepAndRecord(order, 10), SleepAndRecord(order, 20)]);

    /// <summary>
    /// .NET: <c>Task.WhenAll(Delay(30), Delay(10), Delay(20))</c> finishes each no earlier than its time. The same
    /// with Time.Sleep on both executors. (Not their order: on a machine stalled past all three deadlines they fire
    /// in one turn of the wheel, and the join then sees them in its own order, as Task continuations would race.)
    /// </summary>
    [Fact]
    public void Sleeps_never_end_early_on_both_executors()
    {
        var order = new ConcurrentQueue<int>();
        Assert.All(Executor.BlockOn(SleepMany(order), Limit), verdict => Assert.Equal("on time or late", verdict));
        Assert.Equal([10, 20, 30], order.Order());
        order.Clear();
        using var pool = new WorkStealingExecutor(2);
        Assert.All(pool.BlockOn(SleepMany(order), Limit), verdict => Assert.Equal("on time or late", verdict));
        Assert.Equal([10, 20, 30], order.Order());
    }

    [PollAsync]
    private static async Future<int> TicksReadyAtOnceAfterFallingBehind()
    {
        var interval = Time.Interval(TimeSpan.FromMilliseconds(5));
        await interval.Tick();
#pragma warning disable AG0100 // deliberately: a consumer that fell behind by ~12 periods
        Thread.Sleep(60);
#pragma warning restore AG0100
        int immediate = 0;
        while (immediate < 20)
        {
            var tick = interval.Tick();
            var first = await Future.Select(tick, Future.Yield().AsFuture());
            if (!first.IsFirst) break;
            immediate++;
        }
        return immediate;
    }

    /// <summary>
    /// .NET: <c>PeriodicTimer</c> coalesces missed ticks (one pending tick at most). <c>Time.Interval</c> bursts, as
    /// tokio's default does (documented on Interval): a consumer that fell behind gets each missed tick at once.
    /// </summary>
    [Fact]
    public void An_interval_that_fell_behind_delivers_the_missed_ticks_at_once()
    {
        Assert.InRange(Executor.BlockOn(TicksReadyAtOnceAfterFallingBehind(), Limit), 2, 20);
    }

    [PollAsync]
    private static async Future<int> ReadyNow()
    {
        await Future.Yield();
        return 7;
    }

    [PollAsync]
    private static async Future<string> TimeoutEdges()
    {
        int ready = await Time.Timeout(ReadyNow(), Timeout.InfiniteTimeSpan);
        string zero;
        try
        {
            zero = $"zero: {await Time.Timeout(Time.Sleep(TimeSpan.FromSeconds(5)), TimeSpan.Zero)}";
        }
        catch (TimeoutException)
        {
            zero = "zero: timeout";
        }
        return $"infinite: {ready}, {zero}";
    }

    /// <summary>
    /// .NET: <c>WaitAsync(Timeout.InfiniteTimeSpan)</c> never gives up; <c>WaitAsync(TimeSpan.Zero)</c> on work
    /// that is not done throws TimeoutException at once.
    /// </summary>
    [Fact]
    public void Timeout_with_an_infinite_limit_never_gives_up_and_with_zero_gives_up_at_once()
    {
        Assert.Equal("infinite: 7, zero: timeout", Executor.BlockOn(TimeoutEdges(), Limit));
    }
}
