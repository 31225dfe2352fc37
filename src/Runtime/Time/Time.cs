using AsyncGen.Drivers;

namespace AsyncGen;

/// <summary>
/// Timers driven by the executor's timer wheel: <see cref="Sleep(TimeSpan)"/>, <see cref="Interval(TimeSpan)"/>, <see cref="Timeout{T}(IFuture{T}, TimeSpan)"/>;
/// each also runs on a custom <see cref="TimeProvider"/> (a FakeTimeProvider in tests).
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

    /// <summary>
    /// As <see cref="Sleep(TimeSpan)"/>, on <paramref name="clock"/>'s time: a FakeTimeProvider in tests completes the
    /// sleep when advanced past the deadline. <see cref="TimeProvider.System"/> uses the executor's timer wheel;
    /// another provider costs one of its timers per pending sleep (see <see cref="SleepFuture"/>).
    /// </summary>
    public static SleepFuture Sleep(TimeSpan duration, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (ReferenceEquals(clock, TimeProvider.System)) return Sleep(duration);
        if (duration == System.Threading.Timeout.InfiniteTimeSpan) return new SleepFuture(long.MaxValue, clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return new SleepFuture(NowMsOn(clock) + (long)Math.Ceiling(duration.TotalMilliseconds), clock);
    }

    /// <summary>A ticker: each <see cref="Interval.Tick"/> completes one <paramref name="period"/> after the previous tick.</summary>
    public static Interval Interval(TimeSpan period) => new(period, clock: null);

    /// <summary>As <see cref="Interval(TimeSpan)"/>, on <paramref name="clock"/>'s time.</summary>
    public static Interval Interval(TimeSpan period, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return new(period, ReferenceEquals(clock, TimeProvider.System) ? null : clock);
    }

    /// <summary>
    /// Runs <paramref name="future"/> but gives up after <paramref name="limit"/> (counted from this call;
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> never gives up): the future is then disposed
    /// (cancelled) and a <see cref="TimeoutException"/> is thrown.
    /// </summary>
    public static TimeoutFuture<T> Timeout<T>(IFuture<T> future, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(future);
        ThrowIfNegative(limit);
        return new TimeoutFuture<T>(future, Sleep(limit), limit);
    }

    /// <summary>As <see cref="Timeout{T}(IFuture{T}, TimeSpan)"/>, with the limit measured on <paramref name="clock"/>.</summary>
    public static TimeoutFuture<T> Timeout<T>(IFuture<T> future, TimeSpan limit, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(future);
        ThrowIfNegative(limit);
        return new TimeoutFuture<T>(future, Sleep(limit, clock), limit);
    }

    // Checked here, not by the Sleep that measures the limit, so the exception names the caller's argument.
    private static void ThrowIfNegative(TimeSpan limit)
    {
        if (limit < TimeSpan.Zero && limit != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit,
                "Time.Timeout's limit must be zero or positive, or Timeout.InfiniteTimeSpan to never give up.");
        }
    }

    /// <summary>Whole milliseconds on <paramref name="clock"/>'s timestamp clock.</summary>
    internal static long NowMsOn(TimeProvider clock) =>
        (long)((Int128)clock.GetTimestamp() * 1000 / clock.TimestampFrequency);

    internal static TimerWheel CurrentWheel => Driver.Current.Timers;
}
