using System.ComponentModel;
using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// Cleanup a cancelled generated <c>[PollAsync]</c> machine cannot run: a <c>finally</c> block that awaits, when the
/// future is disposed while suspended in its <c>try</c> (or in the block itself, after one of its awaits). Dispose
/// cannot suspend, so that block (or its rest) is skipped; the generated <c>Dispose</c> reports each skip here, so
/// the weaker path is visible: counted in <see cref="FinallySkipped"/> (the Meter instrument
/// <c>asyncgen.cancelled_cleanup.finally_skipped</c>) with the warning event <c>CancelledFinallySkipped</c> (id 111)
/// naming the method, the line of the statement and the task whose future it was (0 outside any task). The finally blocks without awaits around it still run, and
/// so do <c>await using</c> disposals (see <see cref="AsyncDisposal"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CancelledCleanup
{
    private static long s_finallySkipped;

    /// <summary>Finally blocks that await, skipped (entirely or after an await) by the Dispose of a suspended generated machine.</summary>
    public static long FinallySkipped => Interlocked.Read(ref s_finallySkipped);

    /// <summary>
    /// Called by the generated <c>Dispose</c> of <paramref name="method"/> for the finally block of the statement at
    /// <paramref name="line"/>, which it cannot run because the block awaits.
    /// </summary>
    public static void OnFinallySkipped(string method, int line)
    {
        Interlocked.Increment(ref s_finallySkipped);
        var log = AsyncGenEventSource.Log;
        if (log.IsEnabled()) log.CancelledFinallySkipped(method, line, CoopBudget.CurrentTaskId);
    }
}
