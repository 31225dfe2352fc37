namespace AsyncGen;

/// <summary>
/// Wakes the latest poll's <see cref="Waker"/> when a <see cref="CancellationToken"/> is cancelled: the one
/// registration a <see cref="CancellableFuture{T}"/> or <see cref="CancellationFuture"/> keeps on its token.
/// </summary>
/// <remarks>Allocated on the first Pending poll with a token that can be cancelled (never for
/// <see cref="CancellationToken.None"/>); later polls only refresh the waker. <see cref="Unregister"/> removes the
/// callback from the token's source without waiting for a callback that is running (it only wakes, and a stale
/// wake is a no-op), so the source holds no reference to the finished future.</remarks>
internal sealed class CancellationWakeRelay
{
    private readonly Lock _lock = new();
    private Waker _waker; // guarded by _lock: a Waker is three words, a torn read would wake the wrong task
    private CancellationTokenRegistration _registration;

    /// <summary>Stores <paramref name="waker"/> and registers on <paramref name="token"/>.</summary>
    /// <remarks>A token cancelled already runs the callback synchronously here, which wakes the current poll: the
    /// caller returns Pending and is polled again, then sees the cancellation.</remarks>
    public CancellationWakeRelay(in Waker waker, CancellationToken token)
    {
        _waker = waker;
        // UnsafeRegister: the callback only wakes a task, it needs no ExecutionContext (and capturing none is cheaper).
        _registration = token.UnsafeRegister(static (state, _) => ((CancellationWakeRelay)state!).Wake(), this);
    }

    /// <summary>Replaces the stored waker with the one of the current poll.</summary>
    public void Update(in Waker waker)
    {
        lock (_lock) _waker = waker;
    }

    /// <summary>Removes the registration from the token; idempotent.</summary>
    public void Unregister() => _registration.Unregister();

    private void Wake()
    {
        Waker waker;
        lock (_lock) waker = _waker;
        waker.Wake(); // outside the lock: waking may run executor code
    }
}
