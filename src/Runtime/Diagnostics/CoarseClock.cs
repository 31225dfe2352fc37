namespace AsyncGen.Diagnostics;

/// <summary>
/// A clock that executors advance from their loops (at each batch of polls and after each park), read for free by
/// the per-task bookkeeping that dumps show ("last polled 3 s ago").
/// </summary>
/// <remarks>
/// Reading <see cref="Time.NowMs"/> costs a clock_gettime (≈ 45 ns measured on the 2-core CI VM), too much for
/// every poll and wake; this is one static field read. It lags the real clock by at most one batch of polls
/// (61, <see cref="LocalExecutor.EventInterval"/>) or one poll that runs long: precise enough for "idle since".
/// </remarks>
internal static class CoarseClock
{
    private static long s_nowMs = Time.NowMs;

    /// <summary>The <see cref="Time.NowMs"/> of the last <see cref="Advance"/>.</summary>
    public static long NowMs => Volatile.Read(ref s_nowMs);

    /// <summary>Reads the real clock; returns it.</summary>
    public static long Advance()
    {
        long now = Time.NowMs;
        Volatile.Write(ref s_nowMs, now);
        return now;
    }
}
