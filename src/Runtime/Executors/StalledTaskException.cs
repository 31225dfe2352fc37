namespace AsyncGen;

/// <summary>
/// Thrown by <see cref="LocalExecutor.BlockOn{T}(IFuture{T}, TimeSpan)"/> when the future did not complete in time:
/// usually a future that returned <c>Pending</c> without arranging for its waker to be woken (rule AG0102).
/// </summary>
public sealed class StalledTaskException : TimeoutException
{
    internal StalledTaskException(string taskName, int pollCount, TimeSpan limit, int pendingTimers)
        : base(Describe(taskName, pollCount, limit, pendingTimers))
    {
        TaskName = taskName;
        PollCount = pollCount;
    }

    /// <summary>The stalled task's future type, e.g. <c>CounterFuture</c>.</summary>
    public string TaskName { get; }

    /// <summary>How many times the task was polled before the deadline.</summary>
    public int PollCount { get; }

    private static string Describe(string taskName, int pollCount, TimeSpan limit, int pendingTimers) =>
        $"Task '{taskName}' did not complete within {limit}: it was polled {pollCount} time(s), returned Pending, " +
        (pendingTimers == 0 ? "and nothing has woken it since (no timer is pending). " : $"and is still waiting ({pendingTimers} timer(s) pending). ") +
        "A future that returns Pending must first arrange for cx.Waker to be woken (see rule AG0102).";
}
