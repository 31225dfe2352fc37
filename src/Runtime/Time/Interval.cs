namespace AsyncGen;

/// <summary>
/// A periodic ticker from <see cref="Time.Interval"/>. The first tick completes one period after creation; a
/// consumer that falls behind gets the missed ticks at once, one per <see cref="Tick"/> (tokio's "burst").
/// </summary>
public sealed class Interval
{
    private long _nextTickMs;

    internal Interval(TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.FromMilliseconds(1));
        Period = period;
        _nextTickMs = Time.Sleep(period).DeadlineMs;
    }

    /// <summary>The time between ticks.</summary>
    public TimeSpan Period { get; }

    /// <summary>A future that completes at the next tick.</summary>
    public SleepFuture Tick()
    {
        var sleep = new SleepFuture(_nextTickMs);
        _nextTickMs += (long)Math.Ceiling(Period.TotalMilliseconds);
        return sleep;
    }
}
