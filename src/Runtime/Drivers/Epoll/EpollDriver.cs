using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers.Epoll;

/// <summary>
/// The epoll driver, a readiness reactor (tokio's <c>runtime/io/driver.rs</c>): an edge-triggered epoll instance
/// that an executor parks in, so timers and I/O share one wait, plus an eventfd that unparks it from other threads.
/// </summary>
/// <remarks>
/// <para><b>What lives here.</b> The epoll fd, the eventfd, a slab of <see cref="ScheduledIo"/> slots and the tick.
/// Each registered descriptor's epoll token is <c>generation &lt;&lt; 32 | slot</c>; a slot is reused with a new
/// generation after deregistration, so an event already queued for the old owner is recognised as stale and
/// dropped (<see cref="ScheduledIo.SetReadiness"/> compares generations atomically). Each registration brings a
/// new <see cref="ScheduledIo"/>, allocated beside its <see cref="EpollRegistration"/>, and the slot points at it
/// (the released state of the previous owner keeps its bumped generation, so operations still holding it see
/// a closed socket): with 1,000 connections the lines one request touches are no longer spread over the heap.</para>
/// <para><b>Park.</b> One thread parks at a time (a LocalExecutor's thread; the work-stealing worker holding the
/// driver). Other threads may poll operations meanwhile: readiness and wakers are atomic / locked per slot.
/// <see cref="Park"/> waits in <c>epoll_wait</c>
/// (retried on EINTR), advances the tick, then for each event sets readiness and wakes the stored wakers; the wakes
/// only queue tasks, which the executor polls after <see cref="Park"/> returns. Every event one epoll_wait returned
/// is dispatched before the next wait. When more descriptors are ready than the buffer holds
/// (<see cref="DefaultEventCapacity"/> events), the rest stay on the kernel's ready list and the next wait returns
/// them at once, without blocking (whatever its timeout): we do not drain with further zero-timeout waits inside one
/// park, so a park is bounded (the tasks its events woke run before more I/O is taken, as in tokio) and no event is
/// lost or delayed by more than one batch of polls
/// (<c>EpollDriverTests.Events_beyond_the_buffer_are_returned_by_the_next_park_at_once</c>).</para>
/// <para><b>Unpark.</b> <c>_notified</c> elides redundant eventfd writes: a foreign thread writes the eventfd only
/// when it flips the flag from 0 to 1, and <see cref="Park"/> consumes the flag before waiting (non-blocking wait
/// if set). A flag set while a wait is in progress came with a write, so the wait returns. A wake issued by
/// the parking thread while it dispatches events needs nothing (it is not blocked, and its executor polls the woken
/// tasks when Park returns), and the flag is cleared when Park returns: every unpark issued during the park is
/// satisfied by that return, and one that came with a write still has its eventfd event queued.</para>
/// <para><b>Registration.</b> Descriptors are added with <c>EPOLLIN | EPOLLRDHUP | EPOLLET</c> and gain
/// <c>EPOLLOUT</c> on first need (see <see cref="EpollRegistration.PollReady"/>); a connecting socket has it at once. Registration and deregistration may
/// happen on any thread: the slab is guarded by <c>_slabLock</c> and epoll_ctl is thread-safe.</para>
/// <para>Other operating systems have no epoll: constructing the driver throws
/// <see cref="PlatformNotSupportedException"/> (<see cref="DriverFactory"/> builds the portable driver there instead).</para>
/// </remarks>
[DebuggerDisplay("EpollDriver ({RegistrationCount} registrations, {WaitCount} waits)")]
internal sealed unsafe class EpollDriver : IIoDriver
{
    /// <summary>
    /// Events taken per epoll_wait: 32, fewer than one executor batch polls (LocalExecutor's DriverShare, 54), so
    /// every task one park wakes is polled before the next park.
    /// </summary>
    /// <remarks>
    /// Why not tokio's 1,024: with an edge-triggered ready list, descriptors our queue holds are off the kernel's
    /// list, so a buffer larger than a batch lets the queue fill with every ready connection (~1,000 at 1,000
    /// connections). A socket's kernel and runtime lines (touched by the wait's <c>tcp_poll</c> and by the dispatch)
    /// were then evicted by a thousand other requests before its task ran, and its recv, readiness check and task
    /// poll missed the cache all over again; C's server handles each event right after its wait. With 32, what a
    /// park touches is still cached when its tasks run. The price is more waits at high load (one per 32 events
    /// instead of one per batch of 61). Measured at 1,000 connections, interleaved, loaded machine
    /// (benchmarks/README.md, "Epoll at 1,000 connections: where the time went"): +4–5 % requests per CPU-second
    /// over 1,024; 8 and 16 no better than 32.
    /// </remarks>
    internal const int DefaultEventCapacity = 32;

    /// <summary>The eventfd's token; slot tokens never reach it (slot index &lt; 2^31).</summary>
    private const ulong WakeToken = ulong.MaxValue;

    private readonly FileDescriptorHandle _epoll;
    private readonly FileDescriptorHandle _wakeFd;
    private readonly byte* _events;
    private readonly int _eventCapacity;
    private readonly Lock _slabLock = new();
    private ScheduledIo?[] _slots = new ScheduledIo?[64]; // grows by doubling; each registration stores its own state
    private readonly Stack<int> _freeSlots = new();
    private int _slotCount;                               // slots ever created (guarded by _slabLock)
    private int _registrations;                           // live registrations (guarded by _slabLock)
    private int _tick;
    private int _notified;                                // 1: an unpark is pending (see remarks)
    private int _parkingThread;                           // managed id of the thread inside Park, else 0
    private long _waitCount;
    private readonly ContentionCounter _wakerContention = new();
    private int _touched;                                 // the touch pass's sum, stored so the JIT keeps its loads
    private bool _disposed;

    public EpollDriver()
        : this(DefaultEventCapacity)
    {
    }

    /// <summary>A driver taking at most <paramref name="eventCapacity"/> events per epoll_wait (tests: a small buffer).</summary>
    internal EpollDriver(int eventCapacity)
    {
        if (!OperatingSystem.IsLinux()) throw NotSupported();
        ArgumentOutOfRangeException.ThrowIfLessThan(eventCapacity, 1);
        _eventCapacity = eventCapacity;
        _epoll = Open(Libc.epoll_create1(Libc.EPOLL_CLOEXEC), "epoll_create1");
        _wakeFd = Open(Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK), "eventfd");
        _events = (byte*)NativeMemory.Alloc((nuint)(eventCapacity * EpollEventLayout.Size));
        Control(Libc.EPOLL_CTL_ADD, _wakeFd.Fd, Libc.EPOLLIN | Libc.EPOLLET, WakeToken);
    }

    /// <inheritdoc/>
    public IoDriverKind Kind => IoDriverKind.Epoll;

    /// <summary>The exception for I/O on an operating system without epoll.</summary>
    public static PlatformNotSupportedException NotSupported() => new(
        $"The epoll driver exists only on Linux; this is {RuntimeInformation.OSDescription}. Use the portable driver " +
        "(DriverOptions { Driver = IoDriverKind.Portable }, or IoDriverKind.Auto, which picks it off Linux).");

    /// <summary>Number of registered descriptors.</summary>
    public int RegistrationCount
    {
        get { lock (_slabLock) return _registrations; }
    }

    /// <summary>How many times epoll_wait has returned (for tests: an idle executor must not spin).</summary>
    public long WaitCount => Volatile.Read(ref _waitCount);

    /// <summary>
    /// Times a thread found a registration's waker flag held and spun for it (<see cref="ScheduledIo"/>): rare by
    /// design; also the Meter's <c>asyncgen.io.waker_contentions</c>, per executor.
    /// </summary>
    public long WakerContentionCount => _wakerContention.Count;

    public bool IsDisposed => Volatile.Read(ref _disposed);

    internal static ulong MakeToken(int slot, int generation) => ((ulong)(uint)generation << 32) | (uint)slot;

    /// <summary>
    /// Registers <paramref name="socket"/>'s descriptor, edge-triggered. The caller deregisters it before closing it.
    /// </summary>
    /// <param name="socket">The socket; its handle is kept alive across each epoll_ctl.</param>
    /// <param name="connecting">
    /// True for a socket whose non-blocking connect is in progress: write interest from the start and no optimistic
    /// readiness, so the connect waits for the EPOLLOUT that completes it. Otherwise read interest only, and both
    /// directions start ready (the first operation tries its syscall).
    /// </param>
    public IoRegistration Register(Socket socket, bool connecting)
    {
        var owner = socket.SafeHandle;
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        int fd = (int)owner.DangerousGetHandle();
        EpollRegistration registration;
        ScheduledIo io;
        int slot, generation;
        lock (_slabLock)
        {
            slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : NewSlot();
            // The previous owner's state was released with generation + 1; an event still queued for it carries an
            // older generation, so it is dropped by the new state's check (or by the old one's, if Park read the
            // slot before the store below).
            generation = (_slots[slot]?.Generation ?? 0) + 1;
            // A fresh ScheduledIo per registration, then the registration right after it: what a request touches
            // (the state and its waker lock when its event is dispatched, the registration and the state when its
            // task polls) lies in one run of adjacent lines, instead of wherever the slot was first created.
            io = new ScheduledIo(_wakerContention);
            registration = new EpollRegistration(this, io, slot, generation, owner, fd, socket.SocketType == SocketType.Stream);
            io.Activate(generation, fd, Volatile.Read(ref _tick), writeInterest: connecting, optimistic: !connecting);
            Volatile.Write(ref _slots[slot], io); // Park reads the slab without the lock
            _registrations++;
        }
        try
        {
            ControlOwned(Libc.EPOLL_CTL_ADD, registration, InterestBits(writeInterest: connecting));
        }
        catch
        {
            Free(io, slot, generation);
            throw;
        }
        return registration;
    }

    internal void AddWriteInterest(EpollRegistration registration) =>
        ControlOwned(Libc.EPOLL_CTL_MOD, registration, InterestBits(writeInterest: true));

    internal void Deregister(EpollRegistration registration, ScheduledIo io, int generation)
    {
        try
        {
            ControlOwned(Libc.EPOLL_CTL_DEL, registration, 0);
        }
        catch (Exception error) when (error is ObjectDisposedException or IOException)
        {
            // The descriptor or the reactor closed first: the kernel dropped the epoll entry with it.
        }
        Free(io, registration.Slot, generation);
    }

    private void Free(ScheduledIo io, int slot, int generation)
    {
        io.Release(generation); // wakes waiting operations outside the slab lock
        lock (_slabLock)
        {
            _freeSlots.Push(slot);
            _registrations--;
        }
    }

    private int NewSlot()
    {
        Debug.Assert(_slabLock.IsHeldByCurrentThread);
        if (_slotCount == _slots.Length)
        {
            var grown = new ScheduledIo?[_slots.Length * 2];
            _slots.CopyTo(grown, 0);
            Volatile.Write(ref _slots, grown); // Park reads the array without the lock
        }
        return _slotCount++;
    }

    private static uint InterestBits(bool writeInterest) =>
        Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLET | (writeInterest ? Libc.EPOLLOUT : 0);

    /// <inheritdoc/>
    public void Park(int timeoutMs)
    {
        Debug.Assert(Volatile.Read(ref _parkingThread) == 0, "Two threads park in one reactor");
        Volatile.Write(ref _parkingThread, Environment.CurrentManagedThreadId);
        if (Interlocked.Exchange(ref _notified, 0) == 1) timeoutMs = 0;
        int count = Wait(timeoutMs);
        Interlocked.Increment(ref _waitCount);
        int tick = ScheduledIo.NextTick(_tick);
        Volatile.Write(ref _tick, tick);
        CoarseClock.Advance(); // readiness wakes below are stamped with the time after the wait
        RuntimeCounters.CountOnCurrent(RuntimeCounter.IoEvents, count);
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.EpollWaitReturned(timeoutMs, count);

        var slots = Volatile.Read(ref _slots);
        // Touch pass: load every event's state before dispatching any. Each dispatch below does a CAS and takes a
        // lock, after which the next event's loads cannot start early, so the cache misses on the states (cold
        // with 1,000 connections) would come one after another; these plain loads in a row overlap them.
        int touched = 0;
        for (int i = 0; i < count; i++)
        {
            ulong token = EpollEventLayout.ReadData(_events + i * EpollEventLayout.Size);
            if (token != WakeToken) touched += slots[(int)(uint)token]!.Generation;
        }
        _touched = touched;
        for (int i = 0; i < count; i++)
        {
            byte* evt = _events + i * EpollEventLayout.Size;
            ulong token = EpollEventLayout.ReadData(evt);
            if (token == WakeToken)
            {
                DrainWakeFd();
                continue;
            }
            int slot = (int)(uint)token;
            var io = slots[slot]!; // a token names a slot that has been registered, and slots are never emptied
            var ready = ReadyExtensions.FromEpoll(EpollEventLayout.ReadEvents(evt));
            // A stale token (slot released and maybe reused since the event was queued) fails the generation check.
            if (io.SetReadiness((int)(token >> 32), tick, ready)) io.Wake(ready);
        }
        Volatile.Write(ref _notified, 0);
        Volatile.Write(ref _parkingThread, 0);
    }

    private int Wait(int timeoutMs)
    {
        long start = Environment.TickCount64;
        bool added = false;
        try
        {
            _epoll.DangerousAddRef(ref added);
            while (true)
            {
                int count = Libc.epoll_wait(_epoll.Fd, _events, _eventCapacity, timeoutMs);
                if (count >= 0) return count;
                int errno = Libc.LastErrno;
                if (errno != Libc.EINTR) throw Failure("epoll_wait", errno);
                // Interrupted by a signal (the runtime uses them, e.g. to suspend threads): wait out the rest.
                if (timeoutMs > 0) timeoutMs = (int)Math.Max(0, timeoutMs - (Environment.TickCount64 - start));
            }
        }
        finally
        {
            if (added) _epoll.DangerousRelease();
        }
    }

    /// <inheritdoc/>
    public void Unpark()
    {
        // Inside Park (dispatching events), the parking thread is not blocked: its wakes are seen when Park returns.
        if (Environment.CurrentManagedThreadId == Volatile.Read(ref _parkingThread)) return;
        if (Interlocked.Exchange(ref _notified, 1) == 1) return; // a write is already on its way
        ulong one = 1;
        bool added = false;
        try
        {
            _wakeFd.DangerousAddRef(ref added);
            Libc.write(_wakeFd.Fd, &one, sizeof(ulong)); // EAGAIN = counter saturated: a wake is pending anyway
        }
        catch (ObjectDisposedException)
        {
            // The executor is gone: nobody to unpark.
        }
        finally
        {
            if (added) _wakeFd.DangerousRelease();
        }
    }

    private void DrainWakeFd()
    {
        ulong value;
        Libc.read(_wakeFd.Fd, &value, sizeof(ulong)); // resets the counter; EAGAIN if another drain got it
    }

    private void ControlOwned(int op, EpollRegistration registration, uint events)
    {
        bool added = false;
        try
        {
            registration.Owner.DangerousAddRef(ref added);
            Control(op, registration.Fd, events, registration.Token);
        }
        finally
        {
            if (added) registration.Owner.DangerousRelease();
        }
    }

    private void Control(int op, int fd, uint events, ulong token)
    {
        bool added = false;
        try
        {
            _epoll.DangerousAddRef(ref added);
            byte* evt = stackalloc byte[16];
            EpollEventLayout.Write(evt, events, token);
            if (Libc.epoll_ctl(_epoll.Fd, op, fd, evt) != 0) throw Failure("epoll_ctl", Libc.LastErrno);
        }
        finally
        {
            if (added) _epoll.DangerousRelease();
        }
    }

    private static FileDescriptorHandle Open(int fd, string call) =>
        fd >= 0 ? new FileDescriptorHandle(fd) : throw Failure(call, Libc.LastErrno);

    private static IOException Failure(string call, int errno) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);

    /// <summary>Closes the epoll instance and the eventfd. Registrations still held by sockets become inert.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        Volatile.Write(ref _disposed, true);
        _epoll.Dispose();
        _wakeFd.Dispose();
        NativeMemory.Free(_events);
    }
}
