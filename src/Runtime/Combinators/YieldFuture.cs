using System.Diagnostics;
using AsyncGen.Executors;

namespace AsyncGen;

/// <summary>The future of <see cref="Future.Yield"/>: Pending once (having woken its task), then Ready.</summary>
/// <remarks>The wake during the poll only marks the running task as notified; the executor re-queues it at the
/// back of its ready queue after the poll returns, so every task already ready runs first (on a work-stealing
/// worker: the back of its local queue, never the LIFO slot). Cancel-safe (owns nothing).</remarks>
[DebuggerDisplay("Yield ({_done ? \"done\" : _yielded ? \"yielded\" : \"not polled\",nq})")]
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
            YieldHint.Set(cx.Waker); // on a work-stealing worker: re-queue behind the others, not in the LIFO slot
            cx.Waker.Wake();
            return Poll<Unit>.Pending;
        }
        _done = true;
        return Poll<Unit>.Ready(default);
    }
}
