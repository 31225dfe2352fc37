using System.Diagnostics.Tracing;

namespace AsyncGen.Diagnostics;

/// <summary>
/// The runtime's diagnostic settings and hooks: the slow-poll threshold, the stall report of <c>BlockOn</c>
/// without a limit, and <see cref="UnobservedTaskFailure"/>.
/// </summary>
/// <remarks>
/// What the runtime publishes: the Meter <c>AsyncGen</c> (counters per executor), the EventSource <c>AsyncGen</c>
/// (task, timer, channel and I/O events; task dumps on request), <see cref="LocalExecutor.DumpTasks"/> and
/// <see cref="WorkStealingExecutor.DumpTasks"/>. See <c>src/Runtime/Diagnostics/README.md</c>.
/// </remarks>
public static class RuntimeDiagnostics
{
    /// <summary>Environment variable: the slow-poll threshold in milliseconds (default 10).</summary>
    public const string SlowPollVariable = "ASYNCGEN_SLOW_POLL_MS";

    /// <summary>Environment variable: report a stall of <c>BlockOn</c> without a limit after this many milliseconds.</summary>
    public const string StallReportVariable = "ASYNCGEN_STALL_REPORT_MS";

    /// <summary>
    /// A poll longer than this raises the <c>SlowPoll</c> warning event (naming the task and the await it resumed
    /// from) and counts in <c>asyncgen.task.slow_polls</c>. Default 10 ms (a poll that long delays every other task
    /// of its thread by as much), or <c>ASYNCGEN_SLOW_POLL_MS</c>. Measured on the millisecond clock, only while the
    /// EventSource has a listener at <see cref="System.Diagnostics.Tracing.EventLevel.Warning"/> or more for task
    /// events.
    /// </summary>
    public static TimeSpan SlowPollThreshold
    {
        get => TimeSpan.FromMilliseconds(Interlocked.Read(ref s_slowPollMs));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref s_slowPollMs, (long)Math.Ceiling(value.TotalMilliseconds));
        }
    }

    /// <summary>
    /// When set, <c>BlockOn</c> without a limit that has waited this long writes a stall report (what the task
    /// waits on, its async backtrace) to standard error and as the <c>TaskStalled</c> event, then keeps waiting;
    /// again each time the same span passes. Off (null) by default; <c>ASYNCGEN_STALL_REPORT_MS</c> sets it.
    /// </summary>
    public static TimeSpan? StallReportAfter { get; set; } = Milliseconds(StallReportVariable);

    /// <summary>
    /// Raised (on the finalizer thread) when a task that faulted is collected without anyone having awaited its
    /// join handle: the exception would otherwise vanish. The <c>UnobservedTaskFailure</c> error event is written
    /// too. Also raised, with task id 0 and on the thread that completed it, when the <c>DisposeAsync</c> of an
    /// <c>await using</c> that a cancelled future detached fails (see <see cref="AsyncDisposal"/>).
    /// </summary>
    public static event EventHandler<UnobservedTaskFailureEventArgs>? UnobservedTaskFailure;

    internal static long SlowPollMs => s_slowPollMs;

    private static long s_slowPollMs = (long)(Milliseconds(SlowPollVariable) ?? TimeSpan.FromMilliseconds(10)).TotalMilliseconds;

    /// <summary>
    /// Reports a failure nobody is left to observe: the <c>UnobservedTaskFailure</c> error event, then
    /// <see cref="UnobservedTaskFailure"/>. Used by faulted tasks collected unawaited and by detached cleanups.
    /// </summary>
    internal static void ReportUnobserved(long taskId, string taskName, Exception error)
    {
        var log = AsyncGenEventSource.Log;
        if (log.TasksEnabled(EventLevel.Error))
            log.UnobservedTaskFailure(taskId, taskName, error.GetType().FullName ?? "", error.Message);
        UnobservedTaskFailure?.Invoke(null, new UnobservedTaskFailureEventArgs(taskId, taskName, error));
    }

    private static TimeSpan? Milliseconds(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out int ms) && ms >= 0 ? TimeSpan.FromMilliseconds(ms) : null;
}
