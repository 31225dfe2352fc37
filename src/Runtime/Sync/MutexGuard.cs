using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>Proof of holding an <see cref="AsyncMutex{T}"/>: access to its value; <see cref="Dispose"/> unlocks.</summary>
/// <remarks>A struct so that locking allocates nothing: dispose exactly one copy, exactly once (a <c>using</c>
/// statement does that), and do not use <see cref="Value"/> afterwards. Disposing <c>default</c> does nothing.</remarks>
[DebuggerDisplay("MutexGuard")]
public readonly struct MutexGuard<T> : IDisposable
{
    private readonly AsyncMutex<T>? _mutex;

    internal MutexGuard(AsyncMutex<T> mutex) => _mutex = mutex;

    /// <summary>The protected value, by reference.</summary>
    /// <exception cref="InvalidOperationException">The guard is <c>default</c>.</exception>
    public ref T Value
    {
        get
        {
            if (_mutex is null) throw new InvalidOperationException("This guard does not hold a lock.");
            return ref _mutex.Value;
        }
    }

    /// <summary>Unlocks, handing the lock to the next waiter in line.</summary>
    public void Dispose() => _mutex?.Unlock();
}
