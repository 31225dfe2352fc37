using System.Diagnostics;

namespace AsyncGen;

/// <summary>
/// The future of <see cref="CancellationInterop.WithCancellation{T}"/>: the inner future's result, or an
/// <see cref="OperationCanceledException"/> once the token is cancelled, after disposing the inner future (its
/// <c>finally</c> blocks run).
/// </summary>
/// <remarks>
/// <para>The token is checked before each poll of the inner future, so a result that was ready before the
/// cancellation is observed wins only if the inner future completes in a poll that starts before it.</para>
/// <para>Costs: nothing beyond the inner future's own for a token that cannot be cancelled; otherwise, on the first
/// Pending poll, one <see cref="CancellationWakeRelay"/> and the token source's registration node. The registration
/// is removed as soon as the future completes, fails or is disposed.</para>
/// </remarks>
[DebuggerDisplay("WithCancellation ({_done ? \"done\" : \"running\",nq})")]
public struct CancellableFuture<T> : IFuture<T>
{
    private readonly IFuture<T> _inner;
    private readonly CancellationToken _token;
    private CancellationWakeRelay? _relay;
    private bool _done;

    internal CancellableFuture(IFuture<T> inner, CancellationToken token)
    {
        _inner = inner;
        _token = token;
    }

    /// <inheritdoc/>
    public Poll<T> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The cancellable future was polled after it completed.");
        if (_token.IsCancellationRequested)
        {
            Finish(disposeInner: true);
            throw new OperationCanceledException(_token);
        }
        Poll<T> poll;
        try
        {
            poll = _inner.Poll(ref cx);
        }
        catch
        {
            Finish(disposeInner: false);
            throw;
        }
        if (poll.IsReady)
        {
            Finish(disposeInner: false);
            return poll;
        }
        if (_token.CanBeCanceled)
        {
            // A cancellation between the check at the top and this registration runs the callback right here,
            // which wakes this poll's task: the next poll sees it.
            if (_relay is null) _relay = new CancellationWakeRelay(cx.Waker, _token);
            else _relay.Update(cx.Waker);
        }
        return Poll<T>.Pending;
    }

    /// <summary>Disposes (cancels) the inner future and removes the token registration.</summary>
    public void Dispose()
    {
        if (!_done) Finish(disposeInner: true);
    }

    private void Finish(bool disposeInner)
    {
        _done = true;
        _relay?.Unregister();
        _relay = null;
        if (disposeInner) _inner.Dispose();
    }
}
