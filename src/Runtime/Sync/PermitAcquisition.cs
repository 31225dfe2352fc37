namespace AsyncGen.Sync;

/// <summary>
/// The pollable part of acquiring permits from a <see cref="BatchSemaphore"/>, embedded by value in the public
/// futures (<see cref="AcquireFuture"/>, <see cref="LockFuture{T}"/>; <see cref="SendFuture{T}"/> keeps only the token, its
/// channel knows the semaphore).
/// </summary>
/// <remarks>Holds only the semaphore, the amount and a <see cref="WaiterToken"/>: the waiter node itself lives in
/// the semaphore's slab, so this struct may be copied before its first poll and allocates nothing.</remarks>
internal struct PermitAcquisition(BatchSemaphore semaphore, int amount)
{
    private WaiterToken _token;

    /// <summary>Ready(true) once the permits are the caller's, Ready(false) if the semaphore was closed.</summary>
    public Poll<bool> Poll(ref Context cx) => semaphore.PollAcquire(ref _token, amount, cx.Waker);

    /// <summary>True while queued for permits (polled, not yet granted or cancelled).</summary>
    public readonly bool IsWaiting => !_token.IsNone;

    /// <summary>Leaves the queue, handing back permits granted but not observed. Idempotent.</summary>
    public void Cancel() => semaphore.CancelAcquire(ref _token, amount);
}
