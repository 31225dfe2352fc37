using System.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// Aborts one task without being its joiner (tokio's <c>AbortHandle</c>): what <see cref="JoinSet{T}.Spawn(IFuture{T})"/>
/// returns, since the set takes the task's outcome itself.
/// </summary>
[DebuggerDisplay("AbortHandle {_task?.Name,nq}")]
public readonly struct AbortHandle
{
    private readonly ITaskCell? _task;

    internal AbortHandle(ITaskCell task) => _task = task;

    /// <summary>True once the task has finished: with a result, an exception, or aborted.</summary>
    public bool IsFinished => _task?.IsComplete ?? throw Default();

    /// <summary>
    /// Requests cancellation, as <see cref="JoinHandle{T}.Abort"/>: the task's future is disposed at its next
    /// scheduling point (its <c>finally</c> blocks run) and its outcome becomes an <see cref="OperationCanceledException"/>.
    /// No effect on a finished task.
    /// </summary>
    public void Abort() => (_task ?? throw Default()).Abort();

    private static InvalidOperationException Default() =>
        new("This AbortHandle is the default value, not the handle of a task: use the one that JoinSet.Spawn returned.");
}
