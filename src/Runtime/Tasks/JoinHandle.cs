namespace AsyncGen;

/// <summary>
/// The handle of a spawned task: a future of the task's result. Awaiting it yields the result or rethrows the
/// task's exception with its original stack trace. Disposing it aborts the task.
/// </summary>
/// <remarks>The handle is the task itself (its cell), so a spawn costs one allocation besides the future box.</remarks>
public abstract class JoinHandle<T> : Future<T>
{
    private protected JoinHandle() { }

    /// <summary>True once the task has finished: with a result, an exception, or aborted.</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>
    /// Requests cancellation: the task's executor disposes the task's future on its own thread (running its
    /// <c>finally</c> blocks) instead of polling it again; awaiting the handle then throws
    /// <see cref="OperationCanceledException"/>. No effect on a completed task.
    /// </summary>
    public abstract void Abort();

    /// <summary>Aborts the task (see <see cref="Abort"/>).</summary>
    public override void Dispose() => Abort();
}
