namespace AsyncGen;

/// <summary>
/// The task spawned by <c>TaskInterop.SpawnAsTask</c> and <see cref="TaskInterop.AsTask{T}"/>: polls the user's future and completes a
/// <see cref="TaskCompletionSource{TResult}"/> with its outcome.
/// </summary>
/// <remarks>The source runs continuations asynchronously, so Task-based code awaiting it never runs inline on the
/// executor's thread inside a poll. It never throws itself: the outcome goes to the Task.</remarks>
internal sealed class TaskSourceFuture<T>(IFuture<T> inner) : IFuture<Unit>
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _done;

    public Task<T> Task => _completion.Task;

    public Poll<Unit> Poll(ref Context cx)
    {
        try
        {
            var poll = inner.Poll(ref cx);
            if (poll.IsPending) return Poll<Unit>.Pending;
            _done = true;
            _completion.SetResult(poll.Value);
        }
        catch (Exception error)
        {
            _done = true;
            _completion.SetException(error); // the same instance: awaiting the Task rethrows it unchanged
        }
        return Poll<Unit>.Ready(default);
    }

    /// <summary>The executor cancelled the task (aborted or disposed): the Task is cancelled too.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try
        {
            inner.Dispose();
        }
        finally
        {
            _completion.TrySetCanceled();
        }
    }
}
