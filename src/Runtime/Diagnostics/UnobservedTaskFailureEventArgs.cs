namespace AsyncGen.Diagnostics;

/// <summary>A task that faulted and was never awaited: see <see cref="RuntimeDiagnostics.UnobservedTaskFailure"/>.</summary>
public sealed class UnobservedTaskFailureEventArgs(long taskId, string taskName, Exception exception) : EventArgs
{
    /// <summary>The task's number (as in dumps and events).</summary>
    public long TaskId { get; } = taskId;

    /// <summary>What was spawned, e.g. <c>EchoFuture</c>.</summary>
    public string TaskName { get; } = taskName;

    /// <summary>The exception the task faulted with.</summary>
    public Exception Exception { get; } = exception;
}
