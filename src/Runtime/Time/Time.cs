using AsyncGen.Drivers;

namespace AsyncGen;

/// <summary>
/// Timers driven by the executor's timer wheel: <see cref="Sleep"/>, <see cref="Interval"/>, <see cref="Timeout{T}"/>.
/// </summary>
/// <remarks>Named <c>Time</c>, not <c>Timer</c>, so it never clashes with <c>System.Threading.Timer</c>.</remarks>
public static class Time
{
    /// <summary>Milliseconds on the runtime's monotonic clock (whole milliseconds since the runtime started).</summary>
    public static long NowMs => MonotonicClock.NowMs;

    /// <summary>
    /// A future that completes once <paramref name="duration"/> has passed, never early; the time counts from this
    /// call. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> sleeps forever.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative (other than infinite).</exception>
    public static SleepFuture Sleep(TimeSpan duration)
    {
        if (duration == System.Threading.Timeout.InfiniteTimeSpan) return new SleepFuture(long.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        // Round the deadline up to the next whole millisecond tick, so the wheel's 1 ms resolution can only
        // make a sleep late, never early.
        double deadline = MonotonicClock.NowExactMs + duration.TotalMilliseconds;
        return new SleepFuture((long)Math.Ceiling(deadline));
    }

    /// <summary>A ticker: each <see cref="Interval.Tick"/> completes one <paramref name="period"/> after the previous tick.</summary>
    public static Interval Interval(TimeSpan period) => new(period);

    /// <summary>
    /// Runs <paramref name="future"/> but gives up after <paramref name="limit"/> (counted from this call;
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> never gives up): the future is then disposed
    /// (cancelled) and a <see cref="TimeoutException"/> is thrown.
    /// </summary>
    public static TimeoutFuture<T> Timeout<T>(IFuture<T> future, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(future);
        return new TimeoutFuture<T>(future, Sleep(limit), limit);
    }

    internal static TimerWheel CurrentWheel => Driver.Current.Timers;
}
