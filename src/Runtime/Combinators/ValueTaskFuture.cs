using System.Diagnostics;

namespace AsyncGen;

/// <summary>
/// A <see cref="Task"/> or <see cref="ValueTask"/> as a future (<c>task.AsFuture()</c>): Ready once it completes
/// (its exception rethrown unchanged); meanwhile a continuation wakes the waker of the latest poll.
/// </summary>
/// <remarks>Same cancel safety and costs as <see cref="ValueTaskFuture{T}"/>.</remarks>
[DebuggerDisplay("ValueTaskFuture ({_operation.IsCompleted ? \"completed\" : \"running\",nq})")]
public struct ValueTaskFuture : IFuture<Unit>
{
    private readonly ValueTask _operation;
    private AwaiterWakeRelay? _relay;
    private bool _done;

    internal ValueTaskFuture(ValueTask operation) => _operation = operation;

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The task future was polled after it completed.");
        if (!_operation.IsCompleted)
        {
            var awaiter = _operation.ConfigureAwait(false).GetAwaiter();
            if (CallbackRelay.MustWait(ref _relay, ref awaiter, cx.Waker) && !_operation.IsCompleted) return Poll<Unit>.Pending;
        }
        _done = true;
        _operation.GetAwaiter().GetResult();
        return Poll<Unit>.Ready(default);
    }
}
