using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// The task spawned by <c>TaskInterop.SpawnAsTask</c> and <see cref="TaskInterop.AsTask{T}(IFuture{T})"/>: polls the user's future and completes a
/// <see cref="TaskCompletionSource{TResult}"/> with its outcome.
/// </summary>
/// <remarks>
/// <para>The source runs continuations asynchronously, so Task-based code awaiting it never runs inline on the
/// executor's thread inside a poll. It never throws itself: the outcome goes to the Task.</para>
/// <para>An <see cref="OperationCanceledException"/> makes the Task Canceled (with the exception's token), as it does
/// when it leaves an <c>async Task</c> method: <c>task.IsCanceled</c>, <c>Task.WhenAll</c> and hosts that treat a
/// cancelled request differently from a failed one see what they would see with Task code.</para>
/// <para>Plumbing in dumps and events: the task is named after the user's future and shows its backtrace.</para>
/// </remarks>
internal sealed class TaskSourceFuture<T>(IFuture<T> inner) : IFuture<Unit>, IFutureRef, IAsyncFrameSource
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _done;

    public Task<T> Task => _completion.Task;

    /// <summary>The user's future, for the task's name (see <see cref="FutureRef{T}"/>).</summary>
    public Type FutureType { get; } = inner is IFutureRef wrapper ? wrapper.FutureType : inner.GetType();

    /// <summary>The user's future's frames: this wrapper adds none.</summary>
    public void CollectFrames(List<AsyncFrame> frames)
    {
        if (_done) return;
        var future = inner;
        AsyncBacktrace.Collect(ref future, frames);
    }

    public Poll<Unit> Poll(ref Context cx)
    {
        try
        {
            var poll = inner.Poll(ref cx);
            if (poll.IsPending) return Poll<Unit>.Pending;
            _done = true;
            _completion.SetResult(poll.Value);
        }
        catch (OperationCanceledException canceled)
        {
            _done = true;
            _completion.SetCanceled(canceled.CancellationToken);
        }
        catch (Exception error)
        {
            _done = true;
            _completion.SetException(error); // the same instance: awaiting the Task rethrows it unchanged
        }
        return Poll<Unit>.Ready(default);
    }

    /// <summary>
    /// Runs this task on a new <see cref="LocalExecutor"/> on the calling thread until it completes (<c>AsTask</c>
    /// outside an executor). An executor that cannot even start faults the Task rather than leaving it pending.
    /// </summary>
    public void BlockOn()
    {
        try
        {
            Executor.BlockOn(this);
        }
        catch (Exception error)
        {
            _completion.TrySetException(error);
        }
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
