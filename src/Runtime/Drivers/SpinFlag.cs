using System.Runtime.CompilerServices;

namespace AsyncGen.Drivers;

/// <summary>
/// A one-word lock for short sections that never nest, embedded in the object it guards: taken by one interlocked
/// exchange, released by a plain store. What a registration's wakers and I/O state use instead of a
/// <see cref="Lock"/> (<see cref="ScheduledIo"/>, <c>IoUringRegistration</c>).
/// </summary>
/// <remarks>
/// <para>Why not <see cref="Lock"/>: every echo request takes a registration's guard several times (io_uring: its
/// receive and send completions, the read that copies out, the write that copies in, the read that finds nothing and
/// stores its waker), and a <see cref="Lock"/> costs two interlocked operations and two reads of the thread's id per
/// acquisition, plus an object of its own beside the registration: one more cache line per request to bring in when
/// a thousand connections take turns. The sections are loads, stores and at most a queued SQE, and are contended only
/// when a work-stealing worker touches a socket while another worker dispatches its completion, so a waiter spins
/// briefly, then yields the processor to a preempted holder (<c>SpinOnce(sleep1Threshold: -1)</c>: the default
/// <see cref="SpinWait"/> sleeps 1 ms from its 20th iteration, which under load would stall a reactor a millisecond
/// per contended descriptor).</para>
/// <para>Not reentrant (unlike <see cref="Lock"/>): a holder that takes it again spins for ever. A section must not
/// call anything that takes the same flag (in particular nothing that dispatches completions or wakes tasks: wakes
/// happen after <see cref="Exit"/>).</para>
/// <para>Ordering: the acquiring exchange is a full fence, so holders are serialized by it, and everything a holder
/// wrote before its releasing store is visible to the next holder. A load after <see cref="Exit"/> may be reordered
/// before the release store (x64's TSO allows exactly store-load reordering); callers that re-read shared state after
/// releasing rely on the exchange of their acquisition, not on the release.</para>
/// <para>The premise (contention is rare) is measured, not assumed: a contended acquisition is counted once, off the
/// uncontended path, in the driver's <see cref="ContentionCounter"/> (and on the executor thread's block).</para>
/// </remarks>
internal struct SpinFlag
{
    private int _busy; // 1 while a thread holds the flag

    /// <summary>True while some thread holds the flag (assertions).</summary>
    public bool IsHeld => Volatile.Read(ref _busy) != 0;

    /// <summary>Takes the flag, spinning (then yielding) while another thread holds it; a wait counts in <paramref name="contention"/>.</summary>
    public void Enter(ContentionCounter? contention)
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0) EnterContended(contention);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended(ContentionCounter? contention)
    {
        contention?.Contended();
        var spinner = new SpinWait();
        do spinner.SpinOnce(sleep1Threshold: -1);
        while (Volatile.Read(ref _busy) != 0 || Interlocked.Exchange(ref _busy, 1) != 0);
    }

    /// <summary>Releases the flag (a plain store with release semantics).</summary>
    public void Exit() => Volatile.Write(ref _busy, 0);
}
