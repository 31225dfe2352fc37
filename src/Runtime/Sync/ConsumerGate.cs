using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// Keeps the two parties that take items out of a channel's single-consumer buffer apart: the receive (every poll
/// of it, on whichever thread its task runs) and the drain of a disposed receiver, which may run on another thread
/// while the receive that the dispose's close woke is being polled (review finding 9). An asymmetric gate: the
/// receive, which runs for every item, pays two plain stores and a load; the dispose, which runs once per channel,
/// pays a process-wide memory barrier, and only when it has items to drain.
/// </summary>
/// <remarks>
/// <para><b>Protocol.</b> A receive announces itself (<see cref="_inside"/> = 1, a plain store), then reads
/// <see cref="_closed"/>: set, it takes nothing and leaves (the receive reports Closed); clear, it takes items and
/// leaves (<see cref="_inside"/> = 0). The disposer sets <see cref="_closed"/> (<see cref="Close"/>), and before it
/// takes items itself (<see cref="WaitUntilNoReceiveInside"/>) runs <see cref="Interlocked.MemoryBarrierProcessWide"/>
/// and waits until <see cref="_inside"/> reads 0.</para>
/// <para><b>Why no receive takes an item beside the drain.</b> The process-wide barrier makes every other thread
/// execute a full fence at some point during it. For a receive running on another thread, that fence falls either
/// after the receive's store of <see cref="_inside"/> (then the store is visible once the barrier returns: the
/// disposer sees 1 and waits for the receive to leave), or before it (then the receive's later load of
/// <see cref="_closed"/> follows a fence that follows the disposer's store: it reads 1 and takes nothing). The
/// store-then-load order within the receive is kept by the compiler (volatile accesses are not reordered with each
/// other) and, on Arm64, by the hardware (a release store is not passed by a later acquire load); only the
/// store-to-load reordering of x64's store buffer is left, and the barrier is what covers it. The same asymmetric
/// pattern is dotnet/runtime's own test of <c>MemoryBarrierProcessWide</c> (an asymmetric lock) and the Linux
/// <c>membarrier</c> idiom. A symmetric gate (one CAS per receive poll) cost ≈ 8 ns of a 145 ns ping-pong round
/// trip (benchmarks/README.md).</para>
/// <para><b>Two receives at once</b> (two consumers: misuse) are caught when one enters while the other is inside:
/// the second throws. That check is a plain read, so it catches overlapping polls, not every interleaving; a second
/// receive that registers while the first is pending is caught by the channel's registration check.</para>
/// </remarks>
[DebuggerDisplay("ConsumerGate ({_inside != 0 ? \"receive inside\" : \"free\",nq}{_closed != 0 ? \", closed\" : \"\",nq})")]
internal struct ConsumerGate
{
    private int _inside; // 1 while a receive takes items: written only by the receiving side, plain stores
    private int _closed; // set once, by the disposer: no receive takes an item after it saw it

    /// <summary>True once <see cref="Close"/> ran (a snapshot).</summary>
    public readonly bool IsClosed => Volatile.Read(in _closed) != 0;

    /// <summary>
    /// Receiving side: enters to take items; false if the gate is closed (nothing may be taken: call <see cref="Exit"/>
    /// and report Closed). Always pair with <see cref="Exit"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another receive is inside: the channel has two consumers.</exception>
    public bool Enter()
    {
        if (Volatile.Read(ref _inside) != 0) throw TwoReceivesAtOnce();
        Announce();
        return !SawClosed();
    }

    /// <summary>The first half of <see cref="Enter"/> (a plain store), apart for the systematic test of the protocol.</summary>
    internal void Announce() => Volatile.Write(ref _inside, 1);

    /// <summary>The second half of <see cref="Enter"/>: the load that must not miss a <see cref="Close"/> it raced.</summary>
    internal readonly bool SawClosed() => Volatile.Read(in _closed) != 0;

    /// <summary>True while a receive is inside, as far as this thread sees (the disposer reads it after the barrier).</summary>
    internal readonly bool ReceiveInside => Volatile.Read(in _inside) != 0;

    /// <summary>Receiving side: leaves (the items it took are its own).</summary>
    public void Exit() => Volatile.Write(ref _inside, 0);

    /// <summary>Disposer: no receive that enters from now on takes an item. Idempotent; false if it was closed already.</summary>
    public bool Close() => Interlocked.Exchange(ref _closed, 1) == 0;

    /// <summary>
    /// Disposer, after <see cref="Close"/>: returns once no receive is inside and none can enter to take items, so
    /// the caller is the buffer's only consumer. A receive inside only runs to the end of one poll: the wait is short
    /// and never blocks (the receive's thread is not waiting for us).
    /// </summary>
    public void WaitUntilNoReceiveInside()
    {
        Debug.Assert(IsClosed, "close the gate before waiting for the receive inside");
        Interlocked.MemoryBarrierProcessWide();
        var spin = new SpinWait();
        while (ReceiveInside) spin.SpinOnce(sleep1Threshold: -1);
    }

    private static InvalidOperationException TwoReceivesAtOnce() => new(
        "Two receives ran at once on one channel, but a channel has a single consumer (many senders, one " +
        "receiver, like tokio's mpsc). Receive in one task and hand the items on, or share the receiver through an " +
        "AsyncMutex<ChannelReceiver<T>> so that one worker receives at a time.");
}
