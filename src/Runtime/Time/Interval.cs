namespace AsyncGen;

/// <summary>
/// A periodic ticker from <see cref="Time.Interval(TimeSpan)"/>. The first tick completes one period after creation; a
/// consumer that falls behind gets the missed ticks at once, one per <see cref="Tick"/> (tokio's "burst").
/// </summary>
/// <remarks>Cancel-safe: a tick future disposed before it completes (a lost select or timeout) consumes no tick,
/// the next <see cref="Tick"/> waits for the same deadline.</remarks>
public sealed class Interval
{
    private readonly long _periodMs;
    private readonly TimeProvider? _clock; // null: the executor's timer wheel
    private long _nextTickMs;

    internal Interval(TimeSpan period, TimeProvider? clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.FromMilliseconds(1));
        Period = period;
        _clock = clock;
        _periodMs = (long)Math.Ceiling(period.TotalMilliseconds);
        _nextTickMs = (clock is null ? Time.Sleep(period) : Time.Sleep(period, clock)).DeadlineMs;
    }

    /// <summary>The time between ticks.</summary>
    public TimeSpan Period { get; }

    /// <summary>A future that completes at the next tick.</summary>
    public TickFuture Tick() => new(this, new SleepFuture(_nextTickMs, _clock));

    internal void Ticked(long deadlineMs)
    {
        if (deadlineMs == _nextTickMs) _nextTickMs += _periodMs;
    }
}

/// <summary>The future of <see cref="Interval.Tick"/>: completes at the tick's deadline, which it then consumes.</summary>
public struct TickFuture : IFuture<Unit>
{
    private readonly Interval _interval;
    private SleepFuture _sleep;

    internal TickFuture(Interval interval, SleepFuture sleep)
    {
        _interval = interval;
        _sleep = sleep;
    }

    /// <summary>The tick's deadline on the <see cref="Time.NowMs"/> clock.</summary>
    public long DeadlineMs => _sleep.DeadlineMs;

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        var poll = _sleep.Poll(ref cx);
        if (poll.IsReady) _interval.Ticked(_sleep.DeadlineMs);
        return poll;
    }

    /// <summary>Stops waiting; the tick is not consumed.</summary>
    public void Dispose() => _sleep.Dispose();
}
