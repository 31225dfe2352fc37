using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>Task ids and the compact timestamps waker tables keep for dumps ("last polled 3 s ago").</summary>
/// <remarks>Non-generic so that ids are unique across every result type.</remarks>
internal static class TaskClock
{
    private static long s_lastId;

    // Timestamps are stored as 32-bit offsets from here: 24 days of range, after which they saturate (a dump then
    // shows a stale time; nothing else reads them). Four bytes each instead of eight keep a WakerTable slot at 24 B.
    private static readonly long s_base = CoarseClock.NowMs;

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive process-wide unique ids; returns the first. A waker table takes
    /// its tasks' ids in blocks, so a spawn costs no atomic step on this shared counter (tokio pays one per task).
    /// </summary>
    public static long ReserveIds(int count) => Interlocked.Add(ref s_lastId, count) - count + 1;

    /// <summary><see cref="CoarseClock.NowMs"/> as a compact offset.</summary>
    public static int Now() => (int)Math.Min(CoarseClock.NowMs - s_base, int.MaxValue);

    /// <summary>Back to the <see cref="CoarseClock"/> scale.</summary>
    public static long ToMs(int offset) => s_base + offset;
}
