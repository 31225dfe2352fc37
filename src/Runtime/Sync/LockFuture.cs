using System.Diagnostics;
using AsyncGen.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The future of <see cref="AsyncMutex{T}.Lock"/>: completes with the <see cref="MutexGuard{T}"/>.</summary>
/// <remarks>Allocation-free. Cancel-safe: disposing it while pending never leaves the mutex locked (see
/// <see cref="AsyncMutex{T}"/>).</remarks>
[DebuggerDisplay("Lock ({_done ? \"done\" : \"pending\",nq})")]
public struct LockFuture<T> : IFuture<MutexGuard<T>>, IAsyncFrameSource
{
    private readonly AsyncMutex<T> _mutex;
    private PermitAcquisition _acquisition;
    private bool _done;

    internal LockFuture(AsyncMutex<T> mutex, PermitAcquisition acquisition)
    {
        _mutex = mutex;
        _acquisition = acquisition;
    }

    /// <inheritdoc/>
    public Poll<MutexGuard<T>> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The lock future was polled after it completed.");
        if (_acquisition.Poll(ref cx).IsPending) return Poll<MutexGuard<T>>.Pending;
        _done = true; // a mutex's semaphore is never closed, so Ready means we hold the lock
        return Poll<MutexGuard<T>>.Ready(new MutexGuard<T>(_mutex, _mutex.Acquired()));
    }

    /// <summary>Stops waiting; a lock handed to this future but not yet returned by a poll is passed on.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _acquisition.Cancel();
    }

    /// <summary>While queued for the lock.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done && _acquisition.IsWaiting) frames.Add(AsyncFrame.Resource("AsyncMutex.Lock", "the lock, held by another task"));
    }
}
