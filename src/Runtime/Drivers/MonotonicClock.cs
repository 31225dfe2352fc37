using System.Diagnostics;

namespace AsyncGen.Drivers;

/// <summary>
/// The runtime's clock: whole milliseconds since the runtime started, on the monotonic <see cref="Stopwatch"/>.
/// Timer wheels and parks count in it; <see cref="Time.NowMs"/> exposes it.
/// </summary>
internal static class MonotonicClock
{
    private static readonly long s_origin = Stopwatch.GetTimestamp();

    /// <summary>Milliseconds since the runtime started, truncated.</summary>
    public static long NowMs => (long)Stopwatch.GetElapsedTime(s_origin).TotalMilliseconds;

    /// <summary>Fractional milliseconds since the runtime started, for deadlines rounded up.</summary>
    public static double NowExactMs => Stopwatch.GetElapsedTime(s_origin).TotalMilliseconds;
}
