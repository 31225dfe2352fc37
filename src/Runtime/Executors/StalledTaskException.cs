using AsyncGen.Diagnostics;

namespace AsyncGen;

/// <summary>
/// Thrown by <see cref="LocalExecutor.BlockOn{T}(IFuture{T}, TimeSpan)"/> when the future did not complete in time.
/// The message says what the task is waiting on (a timer, a socket, a channel...) or, when nothing will ever wake
/// it, names the innermost suspended machine: usually a future that returned <c>Pending</c> without arranging for
/// its waker to be woken (rule AG0102).
/// </summary>
public sealed class StalledTaskException : TimeoutException
{
    internal StalledTaskException(StallDiagnosis diagnosis, TimeSpan limit)
        : base(diagnosis.Describe(limit))
    {
        TaskName = diagnosis.TaskName;
        PollCount = diagnosis.PollCount;
        Backtrace = diagnosis.Backtrace;
        WaitingOn = diagnosis.WaitingOn;
    }

    /// <summary>The stalled task's future type, e.g. <c>CounterFuture</c>.</summary>
    public string TaskName { get; }

    /// <summary>How many times the task was polled before the deadline.</summary>
    public int PollCount { get; }

    /// <summary>Where the task was suspended, outermost first (empty when its future cannot describe itself).</summary>
    public IReadOnlyList<AsyncFrame> Backtrace { get; }

    /// <summary>
    /// What the task was waiting on when the limit passed (<c>Time.Sleep (timer due in 4800 ms)</c>), or null when
    /// nothing known would have woken it: a lost wake-up.
    /// </summary>
    public string? WaitingOn { get; }

    /// <summary>True when nothing known held the task's waker (rule AG0102), false when it was merely slow.</summary>
    public bool IsLostWakeUp => WaitingOn is null;
}
