using System.Diagnostics;

namespace AsyncGen;

/// <summary>
/// A <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/> as a future (<c>task.AsFuture()</c>): Ready with
/// its result (or its exception, rethrown unchanged) once it completes; meanwhile a continuation wakes the waker
/// of the latest poll. No thread is blocked.
/// </summary>
/// <remarks>Cancel safety: disposing it does not cancel the operation, it only stops waiting for it (use a
/// <see cref="CancellationToken"/> for that); the result is then never observed. Allocation-free when the
/// operation is already complete at the first poll; otherwise one relay per operation.</remarks>
[DebuggerDisplay("ValueTaskFuture ({_operation.IsCompleted ? \"completed\" : \"running\",nq})")]
public struct ValueTaskFuture<T> : IFuture<T>
{
    private readonly ValueTask<T> _operation;
    private AwaiterWakeRelay? _relay;
    private bool _done;

    internal ValueTaskFuture(ValueTask<T> operation) => _operation = operation;

    /// <inheritdoc/>
    public Poll<T> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The task future was polled after it completed.");
        if (!_operation.IsCompleted)
        {
            // ConfigureAwait(false): the continuation only wakes a waker; no context needs to be captured.
            var awaiter = _operation.ConfigureAwait(false).GetAwaiter();
            if (CallbackRelay.MustWait(ref _relay, ref awaiter, cx.Waker) && !_operation.IsCompleted) return Poll<T>.Pending;
        }
        _done = true;
        return Poll<T>.Ready(_operation.GetAwaiter().GetResult());
    }
}
