namespace AsyncGen.Sync;

/// <summary>
/// Collects wakers inside a locked region so they can be woken after the lock is released (tokio's
/// <c>WakeList</c>). Lives on the stack; allocation-free.
/// </summary>
/// <remarks>
/// Waking under a lock would run executor code (and possibly the woken task, on an inline executor) while the
/// primitive is locked. A caller that has more than <see cref="Capacity"/> wakers to wake fills the list, leaves
/// the lock, calls <see cref="WakeAll"/>, and takes the lock again for the rest.
/// </remarks>
internal struct WakeList
{
    /// <summary>Wakers per batch (32: tokio's NUM_WAKERS).</summary>
    public const int Capacity = 32;

    private WakerBuffer _wakers;
    private int _count;

    /// <summary>True when another waker fits.</summary>
    public readonly bool CanPush => _count < Capacity;

    /// <summary>Adds <paramref name="waker"/>; the caller checks <see cref="CanPush"/> first.</summary>
    public void Push(in Waker waker) => _wakers[_count++] = waker;

    /// <summary>Wakes and forgets every collected waker. Call outside any lock.</summary>
    public void WakeAll()
    {
        for (int i = 0; i < _count; i++)
        {
            var waker = _wakers[i];
            _wakers[i] = default; // drop the reference to the executor's table
            waker.Wake();
        }
        _count = 0;
    }
}
