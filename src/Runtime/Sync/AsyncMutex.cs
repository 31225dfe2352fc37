using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// A fair asynchronous mutex owning a value of type <typeparamref name="T"/> (tokio's <c>Mutex</c>): <see cref="Lock"/>
/// waits, without blocking a thread, and completes with a <see cref="MutexGuard{T}"/> that gives access to the
/// value; disposing the guard unlocks.
/// </summary>
/// <remarks>
/// <para>Built on the same FIFO semaphore as <see cref="AsyncSemaphore"/>, with one permit: tasks get the lock in the
/// order they first asked for it, and an unlock never lets a newcomer (or <see cref="TryLock"/>) barge ahead of a
/// queued waiter. Holding the guard across an <c>await</c> is allowed (that is the point of an async mutex).</para>
/// <para><b>Cancel safety.</b> <see cref="LockFuture{T}"/> is cancel-safe: disposing it while pending never leaves
/// the mutex locked. If the lock had already been handed to it, it is passed on to the next waiter (or
/// released); the future only loses its place in the queue.</para>
/// </remarks>
/// <example><code>
/// using (var guard = await mutex.Lock()) { guard.Value++; }
/// </code></example>
/// <typeparam name="T">The protected value.</typeparam>
[DebuggerDisplay("AsyncMutex ({IsLocked ? \"locked\" : \"unlocked\",nq})")]
public sealed class AsyncMutex<T>
{
    private readonly BatchSemaphore _lock = new(1);
    private T _value;
    private long _lastEpoch;   // acquisitions so far
    private long _holder;      // epoch of the guard that holds the lock, 0 when none

    /// <summary>Creates an unlocked mutex holding <paramref name="value"/>.</summary>
    public AsyncMutex(T value) => _value = value;

    /// <summary>True while someone holds the lock (a snapshot, for diagnostics).</summary>
    public bool IsLocked => _lock.AvailablePermits == 0;

    /// <summary>A future that completes with the guard once every earlier waiter has had its turn.</summary>
    public LockFuture<T> Lock() => new(this, new PermitAcquisition(_lock, 1));

    /// <summary>Takes the lock if it is free and nobody is waiting; never waits.</summary>
    public bool TryLock(out MutexGuard<T> guard)
    {
        bool locked = _lock.TryAcquire(1);
        guard = locked ? new MutexGuard<T>(this, Acquired()) : default;
        return locked;
    }

    internal ref T Value => ref _value;

    /// <summary>Records a new holder: its guard carries this epoch, so only that guard can unlock.</summary>
    internal long Acquired()
    {
        long epoch = Interlocked.Increment(ref _lastEpoch);
        Volatile.Write(ref _holder, epoch);
        return epoch;
    }

    internal bool IsHeldBy(long epoch) => Volatile.Read(ref _holder) == epoch;

    /// <summary>
    /// Unlocks if <paramref name="epoch"/> is the current holder. A guard disposed twice, or a copy of it disposed
    /// after the original, is stale and must not unlock the next holder's critical section.
    /// </summary>
    internal void Unlock(long epoch)
    {
        if (Interlocked.CompareExchange(ref _holder, 0, epoch) == epoch) _lock.Release(1);
    }
}
