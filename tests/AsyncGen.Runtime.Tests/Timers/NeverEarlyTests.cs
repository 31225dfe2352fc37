using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace AsyncGen.Runtime.Tests.Timers;

/// <summary>
/// Issue 14: 10,000 sleeps of random 1–100 ms durations never complete early. On the real clock only the lower bound
/// is asserted (a loaded machine may make any sleep late); on a fake clock (1,000 sleeps) the exact tick.
/// </summary>
public class NeverEarlyTests
{
    private const int Sleeps = 10_000;

    /// <summary>1,000 on the fake clock: FakeTimeProvider scans its timers at every Advance (10,000 took 11 s).</summary>
    private const int FakeSleeps = 1_000;

    [Fact]
    public void On_a_LocalExecutor_no_sleep_resumes_before_its_duration_has_passed()
    {
        var tally = new Tally();
        using var executor = new LocalExecutor();
        foreach (var sleeper in Create(tally, seed: 14)) executor.Spawn(sleeper);
        executor.Run();
        AssertNeverEarly(tally);
    }

    [Fact]
    public void On_a_WorkStealingExecutor_no_sleep_resumes_before_its_duration_has_passed()
    {
        var tally = new Tally();
        using var executor = new WorkStealingExecutor(workerCount: 2);
        foreach (var sleeper in Create(tally, seed: 15)) executor.Spawn(sleeper);
        var waited = Stopwatch.StartNew();
        while (tally.Finished < Sleeps && waited.Elapsed < TimeSpan.FromMinutes(5)) Thread.Sleep(10);
        AssertNeverEarly(tally);
    }

    [Fact]
    public void On_a_fake_clock_each_sleep_resumes_at_the_tick_of_its_deadline()
    {
        var clock = new FakeTimeProvider();
        var random = new Random(16);
        var durations = Enumerable.Range(0, FakeSleeps).Select(_ => random.Next(1, 101)).ToArray();
        var resumedAtMs = new long[FakeSleeps];
        using var executor = new LocalExecutor();
        for (int i = 0; i < FakeSleeps; i++)
            executor.Spawn(Future.Box<FakeSleeper, Unit>(new FakeSleeper(Time.Sleep(TimeSpan.FromMilliseconds(durations[i]), clock), clock, resumedAtMs, i)));
        // Advances the fake clock 1 ms per poll once every sleeper is pending.
        executor.Spawn(Future.Box<Ticker, Unit>(new Ticker(clock, ticks: 101)));
        executor.Run();

        for (int i = 0; i < FakeSleeps; i++) Assert.Equal(durations[i], resumedAtMs[i]);
    }

    private static Future<Unit>[] Create(Tally tally, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Sleeps).Select(_ => Future.Box<Sleeper, Unit>(new Sleeper(TimeSpan.FromMilliseconds(random.Next(1, 101)), tally)))];
    }

    private static void AssertNeverEarly(Tally tally)
    {
        Assert.Equal(Sleeps, tally.Finished);
        Assert.Equal(0, tally.Early);
    }

    private sealed class Tally
    {
        public int Early;
        public int Finished;
    }

    /// <summary>Sleeps <c>duration</c> from its creation; counts a resume before the duration passed.</summary>
    private struct Sleeper(TimeSpan duration, Tally tally) : IFuture<Unit>
    {
        private readonly long _created = Stopwatch.GetTimestamp();
        private SleepFuture _sleep = Time.Sleep(duration);

        public Poll<Unit> Poll(ref Context cx)
        {
            if (_sleep.Poll(ref cx).IsPending) return Poll<Unit>.Pending;
            if (Stopwatch.GetElapsedTime(_created) < duration) Interlocked.Increment(ref tally.Early);
            Interlocked.Increment(ref tally.Finished);
            return Poll<Unit>.Ready(default);
        }

        public void Dispose() => _sleep.Dispose();
    }

    private struct FakeSleeper(SleepFuture sleep, FakeTimeProvider clock, long[] resumedAtMs, int index) : IFuture<Unit>
    {
        private readonly DateTimeOffset _created = clock.GetUtcNow();
        private SleepFuture _sleep = sleep;

        public Poll<Unit> Poll(ref Context cx)
        {
            if (_sleep.Poll(ref cx).IsPending) return Poll<Unit>.Pending;
            resumedAtMs[index] = (long)(clock.GetUtcNow() - _created).TotalMilliseconds;
            return Poll<Unit>.Ready(default);
        }

        public void Dispose() => _sleep.Dispose();
    }

    /// <summary>Spawned last, so polled after every sleeper registered: one fake millisecond per poll.</summary>
    private struct Ticker(FakeTimeProvider clock, int ticks) : IFuture<Unit>
    {
        private int _done;

        public Poll<Unit> Poll(ref Context cx)
        {
            if (_done == ticks) return Poll<Unit>.Ready(default);
            clock.Advance(TimeSpan.FromMilliseconds(1)); // fires the due sleepers' timers on this thread
            _done++;
            cx.Waker.Wake();
            return Poll<Unit>.Pending;
        }

        public void Dispose() { }
    }
}
