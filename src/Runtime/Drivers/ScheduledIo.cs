using System.Diagnostics;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers;

/// <summary>
/// The reactor-side state of one registered descriptor (tokio's <c>ScheduledIo</c>): readiness bits stamped with
/// a tick and a generation in one atomic word, and one waker per direction.
/// </summary>
/// <remarks>
/// <para>State word (64 bits): <c>[ generation : 32 | tick : 16 | ready : 8 ]</c>, low bits first. The
/// generation changes whenever the slot is (re)used or released, so an event carrying an old token, an operation of
/// a closed socket or a late clear can never touch the new owner's state. The tick is the reactor's park counter at
/// the moment readiness was set.</para>
/// <para>Transitions:
/// <list type="bullet">
/// <item>Activate (registration): ready = Readable | Writable (optimistic: the first operation tries its
///   syscall at once, so a read that finds data costs one poll and no epoll round trip); None for a socket whose
///   connect is in progress, which must wait for EPOLLOUT.</item>
/// <item>SetReadiness (reactor, on an epoll event with a matching generation): ready |= event bits, tick = now.</item>
/// <item>ClearReadiness (operation, after EAGAIN): ready &amp;= ~seen bits, only if the tick is still the one the
///   operation saw. An event dispatched between the syscall's EAGAIN and the clear advanced the tick, so its
///   readiness survives and the operation retries instead of sleeping on a wake that already happened.</item>
/// <item>Release (deregistration): generation + 1, ready = everything, both wakers woken, so a racing operation
///   retries its syscall and meets the closed socket.</item>
/// </list>
/// Closed and error bits are never cleared: once the peer is gone, every later syscall reports it.</para>
/// <para>Wakers live under a spin flag (<see cref="AcquireWakers"/>); wakes happen after it is released, because a
/// wake runs executor code (scheduling, unparking) that must not nest inside our lock. The lost-wake-up-free order:
/// the reactor sets readiness, then takes wakers under the flag; an operation stores its waker under the flag, then
/// re-reads readiness. Either the reactor finds the waker, or the operation finds the readiness.</para>
/// </remarks>
[DebuggerDisplay("ScheduledIo fd {Fd}, {CurrentReady} (generation {Generation})")]
internal sealed class ScheduledIo
{
    private const int TickShift = 8;
    private const long ReadyMask = 0xFF;
    private const int TickBits = 16;              // tokio uses 15; wrap-around needs 65,536 parks inside one syscall
    private const int TickMask = (1 << TickBits) - 1;
    private const int GenerationShift = TickShift + TickBits;

    private readonly ContentionCounter? _contention; // the driver's count of contended AcquireWakers (null: not counted)
    private SpinFlag _wakers;                     // held while a thread reads or writes the wakers (see AcquireWakers)
    private long _state;
    private Waker _reader;
    private Waker _writer;
    private int _writeInterest;                   // 1 once EPOLLOUT is in the epoll interest set

    /// <summary>A state whose contended waker-flag acquisitions count in <paramref name="contention"/> (its driver's).</summary>
    public ScheduledIo(ContentionCounter? contention = null) => _contention = contention;

    /// <summary>The descriptor, for diagnostics.</summary>
    public int Fd { get; private set; }

    public int Generation => GenerationOf(Volatile.Read(ref _state));

    private Ready CurrentReady => ReadyOf(Volatile.Read(ref _state));

    public static int NextTick(int tick) => (tick + 1) & TickMask;

    /// <summary>Starts a new registration (slab lock held): new generation, no wakers, optimistic readiness or none.</summary>
    public void Activate(int generation, int fd, int tick, bool writeInterest, bool optimistic)
    {
        Fd = fd;
        AcquireWakers();
        _writeInterest = writeInterest ? 1 : 0;
        _reader = default;
        _writer = default;
        ReleaseWakers();
        Volatile.Write(ref _state, Pack(generation, tick, optimistic ? Ready.Readable | Ready.Writable : Ready.None));
    }

    /// <summary>
    /// Returns true the first time it is called for registration <paramref name="generation"/> without EPOLLOUT
    /// interest. A stale caller (its socket closed and the slot reused) gets false: flipping the new owner's flag
    /// would make it believe EPOLLOUT was added when it never was, and its blocked writes would never be woken.
    /// </summary>
    public bool TryAddWriteInterest(int generation)
    {
        AcquireWakers();
        bool first = Generation == generation && _writeInterest == 0;
        if (first) _writeInterest = 1;
        ReleaseWakers();
        return first;
    }

    /// <summary>Undoes <see cref="TryAddWriteInterest"/> when adding EPOLLOUT failed, so a later write tries again.</summary>
    public void WriteInterestFailed(int generation)
    {
        AcquireWakers();
        if (Generation == generation) _writeInterest = 0;
        ReleaseWakers();
    }

    /// <summary>Reactor: records an epoll event. False when the event's generation is stale (a released slot).</summary>
    public bool SetReadiness(int generation, int tick, Ready ready)
    {
        long state = Volatile.Read(ref _state);
        while (true)
        {
            if (GenerationOf(state) != generation) return false;
            long next = Pack(generation, tick, ReadyOf(state) | ready);
            long seen = Interlocked.CompareExchange(ref _state, next, state);
            if (seen == state) return true;
            state = seen;
        }
    }

    /// <summary>Reactor: wakes the wakers waiting for <paramref name="ready"/>; outside every lock.</summary>
    public void Wake(Ready ready)
    {
        Waker reader = default, writer = default;
        AcquireWakers();
        if ((ready & Ready.ReadInterest) != 0) (reader, _reader) = (_reader, default);
        if ((ready & Ready.WriteInterest) != 0) (writer, _writer) = (_writer, default);
        ReleaseWakers();
        if (!reader.IsNoop) Woken(reader, "readable");
        if (!writer.IsNoop) Woken(writer, "writable");
    }

    private void Woken(in Waker waker, string direction)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.WakerWoken(Fd, direction);
        waker.Wake();
    }

    /// <summary>The readiness for <paramref name="direction"/> if any, without registering anything.</summary>
    public bool TryGetReady(Direction direction, int generation, out ReadyEvent ready)
    {
        long state = Volatile.Read(ref _state);
        return Observe(state, direction, generation, out ready);
    }

    /// <summary>
    /// Stores <paramref name="waker"/> for <paramref name="direction"/>, then re-checks readiness: true if readiness
    /// arrived meanwhile (the waker stays stored; a later wake is merely spurious).
    /// </summary>
    public bool RegisterWaker(Direction direction, int generation, in Waker waker, out ReadyEvent ready)
    {
        AcquireWakers();
        // A registration released (and the slot maybe reused) under a racing operation must not store its
        // waker in the new owner's slot; Observe below then reports it ready, and its syscall fails.
        if (Generation == generation)
        {
            ref Waker slot = ref direction == Direction.Read ? ref _reader : ref _writer;
            if (!slot.WillWake(waker)) slot = waker;
        }
        ReleaseWakers();
        // The re-check: an event dispatched after TryGetReady but before the store above found no waker to wake.
        // SetReadiness happens before the reactor takes the wakers lock, so its bits are visible here.
        return Observe(Volatile.Read(ref _state), direction, generation, out ready);
    }

    /// <summary>Operation: clears the readiness it saw, unless the reactor set newer readiness since (tick changed).</summary>
    public void ClearReadiness(in ReadyEvent seen)
    {
        long state = Volatile.Read(ref _state);
        while (true)
        {
            if (GenerationOf(state) != seen.Generation || TickOf(state) != seen.Tick) return;
            var remaining = ReadyOf(state) & ~(seen.Ready & ~Ready.Final);
            long next = Pack(seen.Generation, seen.Tick, remaining);
            long observed = Interlocked.CompareExchange(ref _state, next, state);
            if (observed == state) return;
            state = observed;
        }
    }

    /// <summary>Operation: forgets the waker of a cancelled (disposed) operation.</summary>
    public void ClearWaker(Direction direction, int generation)
    {
        AcquireWakers();
        if (Generation == generation)
        {
            if (direction == Direction.Read) _reader = default;
            else _writer = default;
        }
        ReleaseWakers();
    }

    /// <summary>Ends the registration: a new generation, everything ready, and both waiting tasks woken.</summary>
    public void Release(int generation)
    {
        long state = Volatile.Read(ref _state);
        while (true)
        {
            if (GenerationOf(state) != generation) return;
            long next = Pack(generation + 1, TickOf(state), Ready.ReadInterest | Ready.WriteInterest);
            long seen = Interlocked.CompareExchange(ref _state, next, state);
            if (seen == state) break;
            state = seen;
        }
        Wake(Ready.ReadInterest | Ready.WriteInterest);
    }

    /// <summary>
    /// Takes the wakers (<see cref="SpinFlag"/>: one interlocked exchange, released by a plain store). A contended
    /// acquisition is counted in the driver's <see cref="ContentionCounter"/>.
    /// </summary>
    /// <remarks>
    /// Every echo request takes the wakers twice (the reactor's wake, the next read's waker store); the flag is
    /// contended only when a work-stealing worker stores a waker while the parked worker dispatches this descriptor's
    /// event. The lost-wake-up argument in the remarks above relies on the acquiring exchange alone, a full fence: the
    /// holders are serialized by it, so either the reactor's exchange comes first (its readiness CAS precedes it, and
    /// the operation's re-read of the readiness follows the operation's own later exchange, so it sees the
    /// readiness), or the operation released first (the release store is ordered after its waker store, so the
    /// reactor, acquiring after it, reads the waker). The re-read needs no ordering against the release store, which
    /// is as well: a plain store followed by a load may be reordered (x64's TSO allows exactly store-load reordering).
    /// </remarks>
    private void AcquireWakers() => _wakers.Enter(_contention);

    private void ReleaseWakers() => _wakers.Exit();

    private static bool Observe(long state, Direction direction, int generation, out ReadyEvent ready)
    {
        if (GenerationOf(state) != generation)
        {
            // Released: report ready so the operation runs its syscall and meets the closed socket.
            ready = new ReadyEvent(generation, -1, direction.Interest());
            return true;
        }
        var bits = ReadyOf(state) & direction.Interest();
        ready = new ReadyEvent(generation, TickOf(state), bits);
        return bits != Ready.None;
    }

    private static long Pack(int generation, int tick, Ready ready) =>
        ((long)(uint)generation << GenerationShift) | ((long)tick << TickShift) | (long)ready;

    private static Ready ReadyOf(long state) => (Ready)(state & ReadyMask);

    private static int TickOf(long state) => (int)(state >> TickShift) & TickMask;

    private static int GenerationOf(long state) => (int)(uint)(state >> GenerationShift);
}
