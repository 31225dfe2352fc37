namespace AsyncGen.Executors;

/// <summary>
/// The <c>limit</c> argument of every <c>BlockOn</c>: validated the same way on every executor, and turned into a
/// deadline or a wait that the OS primitives accept however long the limit is.
/// </summary>
internal static class BlockOnLimit
{
    /// <summary>The longest single wait <see cref="ManualResetEventSlim.Wait(TimeSpan)"/> accepts: int.MaxValue ms (~24.8 days).</summary>
    private static readonly TimeSpan s_longestWait = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>Accepts any non-negative limit (up to <see cref="TimeSpan.MaxValue"/>) and <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public static void Validate(TimeSpan limit)
    {
        if (limit < TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(limit), limit,
                "BlockOn's limit must be zero or positive, or Timeout.InfiniteTimeSpan to wait as long as the future takes.");
    }

    /// <summary>The deadline on the <see cref="Time.NowMs"/> clock; <see cref="long.MaxValue"/> for no limit.</summary>
    public static long Deadline(TimeSpan limit)
    {
        if (limit == Timeout.InfiniteTimeSpan) return long.MaxValue;
        // TimeSpan.MaxValue is ~9.2e14 ms: added to the clock it stays far below long.MaxValue.
        return Time.NowMs + (long)Math.Ceiling(limit.TotalMilliseconds);
    }

    /// <summary>The time left until <paramref name="limit"/> after <paramref name="elapsed"/>, capped to what one wait accepts.</summary>
    public static TimeSpan NextWait(TimeSpan limit, TimeSpan elapsed)
    {
        if (limit == Timeout.InfiniteTimeSpan) return Timeout.InfiniteTimeSpan;
        var remaining = limit - elapsed;
        if (remaining < TimeSpan.Zero) return TimeSpan.Zero;
        return remaining < s_longestWait ? remaining : s_longestWait;
    }
}
