using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>
/// The <see cref="UnobservedFailure"/> of each faulted task whose join handle has not been awaited, keyed weakly by
/// the task cell: it lives exactly as long as the cell, so its finalizer reports a handle dropped unawaited.
/// </summary>
/// <remarks>A side table rather than a field of the cell: only faulted tasks pay for it, and a trivial task cell
/// stays within 96 bytes.</remarks>
internal static class UnobservedFailures
{
    private static readonly ConditionalWeakTable<object, UnobservedFailure> s_pending = new();

    /// <summary>Starts watching the failure of <paramref name="cell"/>.</summary>
    public static void Track(object cell, long taskId, string taskName, Exception error) =>
        s_pending.AddOrUpdate(cell, new UnobservedFailure(taskId, taskName, error));

    /// <summary>The join handle of <paramref name="cell"/> delivered its failure: nothing to report.</summary>
    public static void Observe(object cell)
    {
        if (s_pending.TryGetValue(cell, out var failure))
        {
            failure.Observe();
            s_pending.Remove(cell);
        }
    }
}
