namespace AsyncGen;

/// <summary>The future of <see cref="Future.Yield"/>: Pending once (having woken its task), then Ready.</summary>
/// <remarks>The wake during the poll only marks the running task as notified; the executor re-queues it at the
/// back of its ready queue after the poll returns, so every task already ready runs first. Cancel-safe (owns
/// nothing).</remarks>
public struct YieldFuture : IFuture<Unit>
{
    private bool _yielded;
    private bool _done;

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The yield was polled after it completed.");
        if (!_yielded)
        {
            _yielded = true;
            cx.Waker.Wake();
            return Poll<Unit>.Pending;
        }
        _done = true;
        return Poll<Unit>.Ready(default);
    }
}
