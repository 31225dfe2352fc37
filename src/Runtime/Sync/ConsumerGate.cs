using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsyncGen.Sync;

/// <summary>
/// Keeps the two parties that take items out of a channel's single-consumer buffer apart: the receive (every poll
/// of it, on whichever thread its task runs) and the drain of a disposed receiver, which may run on another thread
/// while the receive that the dispose's close woke is being polled (review finding 9). An asymmetric gate: the
/// receive, which runs for every item, pays two plain stores and two loads; the dispose, which runs once per channel,
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
/// <see cref="_closed"/> follows a fence that follows the disposer's store: it reads 1 and takes nothing). Only the
/// program order of the receive's store and load is needed, and the compiler keeps it (volatile accesses are not
/// reordered with each other); the hardware may reorder them — x64's store buffer lets the load pass the store, and
/// so does Arm64 since .NET 7 emits LDAPR (RCpc) for <c>Volatile.Read</c> on CPUs with
/// LRCPC (dotnet/runtime#67384), which may complete before an earlier STLR is visible — and the barrier covers both.
/// The Coyote model (tests/AsyncGen.Runtime.Coyote.Tests/ConsumerGateTests.cs) keeps the store pending past the
/// load, which is that reordering on either target. The same asymmetric
/// pattern is dotnet/runtime's own test of <c>MemoryBarrierProcessWide</c> (an asymmetric lock) and the Linux
/// <c>membarrier</c> idiom. A symmetric gate (one CAS per receive poll) cost ≈ 8 ns of a 145 ns ping-pong round
/// trip (benchmarks/README.md).</para>
/// <para><b>Two receives at once</b> (two consumers: misuse). A receive announces itself with its thread's
/// identity (<see cref="CurrentReceive"/>: one receive poll runs on one thread, start to end), and on leaving reads
/// <see cref="_inside"/> back before clearing it: a receive that enters while another is inside throws
/// at once, and of two that both read the gate free and announced themselves, the one that leaves after the other's
/// announcement overwrote its own throws on leaving (its items may have been taken twice or lost by then, but not
/// silently). The cost is one more load and one thread-static read per receive, no atomic step: an Enter/Exit pair
/// measured in isolation went from 0.9 to 1.2 ns (reading <see cref="Environment.CurrentManagedThreadId"/> on entering
/// and on leaving instead: 9 ns; interleaved medians on the loaded 2-core VM, 2026-11-28). Left undetected: an
/// overlap in which the first receive's whole take and its exit fit inside the time the second's announcement sits
/// in its store buffer (a few tens of nanoseconds), since neither then sees the other's identity. A second receive that registers while the first is
/// pending is caught by the channel's registration check.</para>
/// </remarks>
[DebuggerDisplay("ConsumerGate ({_inside != 0 ? \"receive inside\" : \"free\",nq}{_closed != 0 ? \", closed\" : \"\",nq})")]
internal struct ConsumerGate
{
    private int _inside; // the receiving thread's CurrentReceive while a receive takes items, 0 when free: plain stores
    private int _closed; // set once, by the disposer: no receive takes an item after it saw it

    [ThreadStatic] private static int t_receive; // this thread's CurrentReceive, 0 until its first receive
    private static int s_lastReceive;

    /// <summary>
    /// The calling thread's identity as a receive (never 0): read once per receive and passed to <see cref="Enter"/>
    /// and <see cref="Exit"/>. A number of its own rather than <see cref="Environment.CurrentManagedThreadId"/>,
    /// which costs a call where this is a thread-static read.
    /// </summary>
    public static int CurrentReceive
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            int receive = t_receive;
            return receive != 0 ? receive : NewReceive();
        }
    }

    // Once per thread: the first receive on it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int NewReceive() => t_receive = Interlocked.Increment(ref s_lastReceive);

    /// <summary>True once <see cref="Close"/> ran (a snapshot).</summary>
    public readonly bool IsClosed => Volatile.Read(in _closed) != 0;

    /// <summary>
    /// Receiving side: enters to take items; false if the gate is closed (nothing may be taken: call <see cref="Exit"/>
    /// and report Closed). Always pair with <see cref="Exit"/>, passing both the <see cref="CurrentReceive"/> read once.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another receive is inside: the channel has two consumers.</exception>
    public bool Enter(int receive)
    {
        if (Volatile.Read(ref _inside) != 0) throw TwoReceivesAtOnce();
        Announce(receive);
        return !SawClosed();
    }

    /// <summary>
    /// The first half of <see cref="Enter"/> (a plain store of the receive's identity, never 0), apart for the
    /// systematic test of the protocol.
    /// </summary>
    internal void Announce(int receive) => Volatile.Write(ref _inside, receive);

    /// <summary>The second half of <see cref="Enter"/>: the load that must not miss a <see cref="Close"/> it raced.</summary>
    internal readonly bool SawClosed() => Volatile.Read(in _closed) != 0;

    /// <summary>True while a receive is inside, as far as this thread sees (the disposer reads it after the barrier).</summary>
    internal readonly bool ReceiveInside => Volatile.Read(in _inside) != 0;

    /// <summary>
    /// Receiving side: the receive that entered as <paramref name="receive"/> leaves (the items it took are its own,
    /// unless this throws). Reads the gate back first, and throws without clearing it when another receive's
    /// announcement replaced this one's (that receive clears it).
    /// </summary>
    /// <exception cref="InvalidOperationException">Another receive entered while this one was inside: the channel has
    /// two consumers.</exception>
    public void Exit(int receive)
    {
        if (Volatile.Read(ref _inside) != receive) throw TwoReceivesAtOnce();
        Volatile.Write(ref _inside, 0);
    }

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
