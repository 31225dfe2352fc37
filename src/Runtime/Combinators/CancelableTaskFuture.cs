using System.Diagnostics;

namespace AsyncGen;

/// <summary>
/// The future of <see cref="CancellationInterop.FromTask{T}(Func{CancellationToken, Task{T}}, CancellationToken)"/>:
/// starts the Task at its first poll with a token it owns, waits for it like <see cref="ValueTaskFuture{T}"/>, and
/// <b>cancels that token when disposed</b> before the Task completed, so the Task's I/O stops too.
/// </summary>
/// <remarks>
/// <para>Lazy like every future: the delegate runs at the first poll, not when the future is created.</para>
/// <para>After a dispose the Task is not awaited any more; its token source is disposed once the Task ends (a
/// source must outlive the operation that uses its token). When the caller's token is cancelled first, the Task
/// sees it through the linked token and its outcome (usually <see cref="OperationCanceledException"/>) is the
/// future's.</para>
/// <para>Costs: the Task itself, one <see cref="CancellationTokenSource"/> (linked to the caller's token when
/// that one can be cancelled), and the relay of <see cref="ValueTaskFuture{T}"/> if the Task is still running at
/// the first poll.</para>
/// </remarks>
[DebuggerDisplay("FromTask ({_task is null ? \"not started\" : _task.IsCompleted ? \"completed\" : \"running\",nq})")]
public struct CancelableTaskFuture<T> : IFuture<T>
{
    private readonly Func<CancellationToken, Task<T>> _start;
    private readonly CancellationToken _token;
    private CancellationTokenSource? _source;
    private Task<T>? _task;
    private ValueTaskFuture<T> _wait;
    private bool _done;

    internal CancelableTaskFuture(Func<CancellationToken, Task<T>> start, CancellationToken token)
    {
        _start = start;
        _token = token;
    }

    /// <inheritdoc/>
    public Poll<T> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The task future was polled after it completed.");
        if (_task is null)
        {
            _source = _token.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(_token) : new CancellationTokenSource();
            try
            {
                _task = _start(_source.Token) ?? throw new InvalidOperationException("The Task factory returned null.");
            }
            catch
            {
                Finish();
                throw;
            }
            _wait = _task.AsFuture();
        }
        Poll<T> poll;
        try
        {
            poll = _wait.Poll(ref cx);
        }
        catch
        {
            Finish();
            throw;
        }
        if (poll.IsReady) Finish();
        return poll;
    }

    /// <summary>Cancels the Task's token if the Task is still running, and stops waiting for it.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        var source = _source;
        _source = null;
        if (source is null) return; // never started
        if (_task!.IsCompleted)
        {
            source.Dispose();
            return;
        }
        source.Cancel();
        // The Task may still use the token until it ends: dispose the source (which unlinks it from the caller's
        // token) only then. Allocates a continuation, on this cancellation path only.
        _task.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Dispose(), source,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Finish()
    {
        _done = true;
        _source?.Dispose(); // the Task has ended (or never started): unlink from the caller's token now
        _source = null;
    }
}
