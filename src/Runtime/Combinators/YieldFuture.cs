using System.Diagnostics;

namespace AsyncGen;

/// <summary>The future of <see cref="Future.Yield"/>: Pending once (having woken its task), then Ready.</summary>
/// <remarks>Inside a task's poll the yield only sets a flag of the poll's <see cref="Context"/> (no wake); the
/// executor re-queues the task at the back of its ready queue after the poll returns, so every task already ready
/// runs first (on a work-stealing worker: the back of its local queue, never the LIFO slot). Polled by hand, it
/// wakes the context's waker. Cancel-safe (owns nothing).</remarks>
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
            cx.Yield(); // inside a task: re-queued behind the others when this poll returns, without a wake
            return Poll<Unit>.Pending;
        }
        _done = true;
        return Poll<Unit>.Ready(default);
    }
}
