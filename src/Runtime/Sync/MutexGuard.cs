using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>Proof of holding an <see cref="AsyncMutex{T}"/>: access to its value; <see cref="Dispose"/> unlocks.</summary>
/// <remarks>A struct so that locking allocates nothing. Each guard carries the epoch of its acquisition: disposing it
/// a second time, or disposing a stale copy, does nothing (it cannot unlock the next holder), and <see cref="Value"/>
/// through a guard that no longer holds the lock throws. Disposing <c>default</c> does nothing.</remarks>
[DebuggerDisplay("MutexGuard")]
public readonly struct MutexGuard<T> : IDisposable
{
    private readonly AsyncMutex<T>? _mutex;
    private readonly long _epoch;

    internal MutexGuard(AsyncMutex<T> mutex, long epoch)
    {
        _mutex = mutex;
        _epoch = epoch;
    }

    /// <summary>The protected value, by reference.</summary>
    /// <exception cref="InvalidOperationException">The guard is <c>default</c> or no longer holds the lock.</exception>
    public ref T Value
    {
        get
        {
            if (_mutex is null || !_mutex.IsHeldBy(_epoch)) throw new InvalidOperationException("This guard does not hold the lock (it is default, or was already disposed).");
            return ref _mutex.Value;
        }
    }

    /// <summary>Unlocks, handing the lock to the next waiter in line; a no-op if this guard no longer holds it.</summary>
    public void Dispose() => _mutex?.Unlock(_epoch);
}
