namespace AsyncGen.Diagnostics;

/// <summary>
/// Watches a faulted task's exception until someone observes it: created when the task faults, kept alive by the
/// task's cell (its join handle) through <see cref="Tasks.UnobservedFailures"/>, so it becomes garbage together with a handle nobody awaited, and its
/// finalizer reports the failure. Awaiting the handle calls <see cref="Observe"/>, which cancels the report.
/// </summary>
/// <remarks>
/// .NET's <c>TaskExceptionHolder</c> does the same for unobserved <c>Task</c> exceptions. Only faulted tasks pay
/// for the finalizable object; a task cell itself has no finalizer.
/// </remarks>
internal sealed class UnobservedFailure(long taskId, string taskName, Exception exception)
{
    /// <summary>The failure was seen (the handle was awaited): nothing to report.</summary>
    public void Observe() => GC.SuppressFinalize(this);

    ~UnobservedFailure() => RuntimeDiagnostics.ReportUnobserved(taskId, taskName, exception);
}
