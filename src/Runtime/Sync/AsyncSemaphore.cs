using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// A fair asynchronous counting semaphore (tokio's <c>Semaphore</c>): <see cref="Acquire"/> waits, without blocking
/// a thread, until the permits are free; waiters are served strictly first come, first served.
/// </summary>
/// <remarks>
/// <para>Thread-safe: acquire and release from any task on any executor or thread.</para>
/// <para><b>Cancel safety.</b> <see cref="AcquireFuture"/> is cancel-safe: disposing it while pending loses no
/// permit. If it was still queued it leaves the queue (it loses its place in line); if permits had already been
/// handed to it but it was not polled again, they are returned and go to the next waiter.</para>
/// <para><b>Cost.</b> Acquiring and releasing allocate nothing while at most one <see cref="SemaphorePermit"/> is held
/// at a time (one CAS each to issue and retire its ticket, which makes a disposal of a copy a no-op). The first
/// time two are held at once the semaphore allocates a ticket ledger (about 120 bytes with its first 4 slots), which
/// grows by doubling chunks to the most permits ever held at once and keeps that size: 8 bytes per slot (a semaphore
/// that once had 100,000 holders keeps about 800 KB). A permit held in a ledger slot costs two more CASes per
/// acquire/release pair than the inline one.</para>
/// </remarks>
/// <example><code>
/// using (SemaphorePermit permit = await semaphore.Acquire()) { /* at most N tasks here */ }
/// </code></example>
[DebuggerDisplay("AsyncSemaphore ({AvailablePermits} available)")]
public sealed class AsyncSemaphore
{
    private readonly BatchSemaphore _permits;
    private PermitTickets _tickets; // mutable struct: never copied, always used through this field

    /// <summary>Creates a semaphore with <paramref name="permits"/> free permits.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permits"/> is negative.</exception>
    public AsyncSemaphore(int permits) => _permits = new BatchSemaphore(permits);

    /// <summary>Permits free right now (a snapshot, for diagnostics).</summary>
    public int AvailablePermits => _permits.AvailablePermits;

    /// <summary>
    /// A future that completes with a <see cref="SemaphorePermit"/> for <paramref name="permits"/> permits once they
    /// are free and every earlier waiter has been served. Nothing happens before its first poll.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permits"/> is not positive.</exception>
    public AcquireFuture Acquire(int permits = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        return new AcquireFuture(this, new PermitAcquisition(_permits, permits), permits);
    }

    /// <summary>Takes <paramref name="permits"/> permits if they are free and nobody is waiting; never waits.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permits"/> is not positive.</exception>
    public bool TryAcquire(out SemaphorePermit permit, int permits = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        bool acquired = _permits.TryAcquire(permits);
        permit = acquired ? Issue(permits) : default;
        return acquired;
    }

    /// <summary>Hands out <paramref name="permits"/> permits that were just taken, as one ticketed permit.</summary>
    internal SemaphorePermit Issue(int permits)
    {
        _tickets.Issue(out int slot, out int generation);
        return new SemaphorePermit(this, permits, slot, generation);
    }

    /// <summary>A permit's disposal: gives its permits back if it is the first disposal of that permit or a copy.</summary>
    internal void Return(int slot, int generation, int permits)
    {
        // Retired first: of two disposals racing, the one that wins this CAS is the one that releases.
        if (_tickets.Retire(slot, generation)) _permits.Release(permits);
    }

    internal bool Holds(int slot, int generation) => _tickets.IsOutstanding(slot, generation);

    /// <summary>
    /// Adds <paramref name="permits"/> permits (a <see cref="SemaphorePermit"/> gives its own back by <c>Dispose</c>),
    /// waking the waiters they satisfy. May raise the count above the initial one, like tokio's <c>add_permits</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permits"/> is not positive.</exception>
    public void Release(int permits = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        _permits.Release(permits);
    }
}
