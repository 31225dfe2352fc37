using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers;

/// <summary>
/// How many times threads found a spin flag of a driver held and had to wait for it (the <see cref="ScheduledIo"/>
/// waker flags of one driver). Bumped only on the contended path, so an uncontended acquisition pays nothing for it.
/// </summary>
/// <remarks>
/// One per driver, shared by its registrations: a count that stays near zero confirms the flag's premise (contention
/// is rare: a work-stealing worker storing a waker while the parked worker dispatches the same descriptor); a count
/// that grows with the request rate says a <see cref="Lock"/>-free design is spinning where it should not.
/// </remarks>
internal sealed class ContentionCounter
{
    private long _count;

    /// <summary>Contended acquisitions so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>A thread found the flag held (called once per contended acquisition, before it spins).</summary>
    public void Contended()
    {
        Interlocked.Increment(ref _count);
        RuntimeCounters.CountOnCurrent(RuntimeCounter.IoWakerContentions);
    }
}
