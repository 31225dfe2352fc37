using System.Diagnostics;

namespace AsyncGen;

/// <summary>
/// The future of <see cref="CancellationInterop.AsFuture(CancellationToken)"/>: completes (normally, with
/// <see cref="Unit"/>) once the token is cancelled, like tokio's <c>CancellationToken::cancelled()</c>. Made to be
/// one side of a <see cref="Future.Select{T1, T2}"/>.
/// </summary>
/// <remarks>A token that can never be cancelled (<see cref="CancellationToken.None"/>) never completes. Costs as
/// <see cref="CancellableFuture{T}"/>: one relay on the first Pending poll, unregistered on completion or
/// dispose.</remarks>
[DebuggerDisplay("Cancelled ({_token.IsCancellationRequested ? \"yes\" : \"not yet\",nq})")]
public struct CancellationFuture : IFuture<Unit>
{
    private readonly CancellationToken _token;
    private CancellationWakeRelay? _relay;
    private bool _done;

    internal CancellationFuture(CancellationToken token) => _token = token;

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The cancellation future was polled after it completed.");
        if (_token.IsCancellationRequested)
        {
            Dispose();
            return Poll<Unit>.Ready(default);
        }
        if (_token.CanBeCanceled)
        {
            if (_relay is null) _relay = new CancellationWakeRelay(cx.Waker, _token);
            else _relay.Update(cx.Waker);
        }
        return Poll<Unit>.Pending;
    }

    /// <summary>Removes the token registration.</summary>
    public void Dispose()
    {
        _done = true;
        _relay?.Unregister();
        _relay = null;
    }
}
