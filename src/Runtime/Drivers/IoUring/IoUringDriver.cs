using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// The io_uring driver, completion-based (monoio's and tokio-uring's model in C#, over the raw syscalls): multishot
/// accept, multishot receive into a provided-buffer ring, sends copied into per-socket buffers and batched, and one
/// <c>io_uring_enter</c> per executor turn that both submits and waits (timeout = the next timer deadline).
/// </summary>
/// <remarks>
/// <para><b>Submission.</b> Operations queue SQEs on whichever thread polls them (<see cref="Queue"/>). The thread
/// that parked last (a LocalExecutor's own thread) leaves them for its next <see cref="Park"/>, whose enter submits
/// the whole turn's batch. A work-stealing worker (<see cref="DeferSubmissionsOnThisThread"/>) leaves them too, for
/// its next park or its <see cref="SubmitDeferred"/>, which it calls once per batch of polls in which it did not turn
/// the driver and before it sleeps anywhere else: one enter per batch, not one per send. Any other thread submits at
/// once, because the parker may be blocked in the kernel and would not see them. The parker and the queuer pair
/// through full fences on <c>_lastParkThread</c> and the SQ tail: either the parker's enter sees the SQE, or the
/// queuer sees another thread parked and submits it itself.</para>
/// <para><b>Park.</b> One thread at a time: re-arm the eventfd read and starved receives, then
/// <c>io_uring_enter(to_submit, min_complete = timeout ? 1 : 0, GETEVENTS [| EXT_ARG timeout])</c>, then reap the CQ
/// and dispatch each completion to its registration (token = generation | slot | kind). EINTR and ETIME end the
/// park (a park may return early); EBUSY/EAGAIN (the kernel is short of CQ room) reap and retry without waiting. When
/// the CQ overflowed (IORING_SQ_CQ_OVERFLOW; NODROP keeps the completions in the kernel), an enter flushes the
/// overflow list and reaping continues: <see cref="CqOverflowCount"/> counts those.</para>
/// <para><b>Unpark.</b> As in the epoll driver, <c>_notified</c> elides redundant writes to an eventfd; here the
/// eventfd is read by an IORING_OP_READ that stays armed, so its completion ends the wait (a blocking eventfd:
/// io_uring would fail a read of an O_NONBLOCK file with EAGAIN instead of waiting).</para>
/// <para><b>Buffers and lifetimes.</b> Kernel-owned memory is never caller memory: receives land in the
/// <see cref="ProvidedBufferRing"/>, sends read the registration's own buffer, and a registration is freed only when
/// its last completion arrived. <see cref="Dispose"/> lets in-flight sends finish (bounded), cancels the rest and
/// drains the completions before unmapping anything.</para>
/// </remarks>
[DebuggerDisplay("IoUringDriver ({RegistrationCount} registrations, {WaitCount} waits)")]
internal sealed unsafe class IoUringDriver : IIoDriver
{
    /// <summary>The driver whose submissions the calling thread defers (<see cref="DeferSubmissionsOnThisThread"/>).</summary>
    [ThreadStatic] private static IoUringDriver? t_deferring;

    /// <summary>SQ entries: 1024, monoio's default ring size.</summary>
    private const uint DefaultSubmissionEntries = 1024;

    /// <summary>CQ entries per SQ entry: 4 (multishot requests post many completions per SQE; liburing's examples use 2–8).</summary>
    private const uint CompletionsPerSubmission = 4;

    /// <summary>How long Dispose lets in-flight sends finish before cancelling them: 1 s, far above a loopback send.</summary>
    private const int DisposeDrainMs = 1000;

    private readonly IoUringRing _ring;
    private readonly ProvidedBufferRing _buffers;
    private readonly FileDescriptorHandle _wakeFd;
    private readonly ulong* _wakeValue;
    private readonly Lock _slabLock = new();
    private IoUringRegistration?[] _slots = new IoUringRegistration?[64];
    private int[] _generations = new int[64];
    private readonly Stack<int> _freeSlots = new();
    private int _slotCount;
    private int _registrations;            // registered and not deregistered (guarded by _slabLock)
    private int _lingering;                // deregistered, waiting for their last completion (guarded by _slabLock)
    private readonly Lock _starvedLock = new();
    private readonly List<IoUringRegistration> _starved = [];
    private int _tick;
    private int _notified;
    private int _parkingThread;
    private int _lastParkThread;
    private bool _wakeArmed;
    private long _waitCount;
    private long _immediateSubmits;
    private long _skippedEnters;
    private long _cqOverflows;
    private long _starvedCount;
    private long _pausedCount;
    private int _receiveLimitUnsupported;
    private bool _disposed;

    private IoUringDriver(IoUringRing ring, ProvidedBufferRing buffers, FileDescriptorHandle wakeFd)
    {
        _ring = ring;
        _buffers = buffers;
        _wakeFd = wakeFd;
        _wakeValue = (ulong*)NativeMemory.Alloc(sizeof(ulong));
    }

    /// <summary>
    /// Builds the driver, or returns the errno that says why io_uring cannot be used here (ENOSYS: no io_uring;
    /// EPERM: disabled by <c>kernel.io_uring_disabled</c> or a seccomp filter; EINVAL: a required feature, such as
    /// provided-buffer rings, is missing).
    /// </summary>
    /// <param name="entries">SQ entries (0: <see cref="DefaultSubmissionEntries"/>); tests shrink it to provoke overflow.</param>
    /// <param name="driver">The driver, when 0 is returned.</param>
    public static int TryCreate(uint entries, out IoUringDriver? driver)
    {
        driver = null;
        if (!OperatingSystem.IsLinux()) return IoUringNative.ENOSYS;
        if (entries == 0) entries = DefaultSubmissionEntries;
        int errno = IoUringRing.TryCreate(entries, CompletionsPerSubmission * entries, out var ring);
        if (errno != 0) return errno;
        errno = ProvidedBufferRing.TryRegister(ring!.Fd, out var buffers);
        if (errno != 0)
        {
            ring.Dispose();
            return errno;
        }
        int wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        if (wakeFd < 0)
        {
            errno = Libc.LastErrno;
            ring.Dispose();
            buffers!.Dispose();
            return errno;
        }
        driver = new IoUringDriver(ring, buffers!, new FileDescriptorHandle(wakeFd));
        return 0;
    }

    /// <inheritdoc/>
    public IoDriverKind Kind => IoDriverKind.IoUring;

    /// <inheritdoc/>
    public int RegistrationCount
    {
        get { lock (_slabLock) return _registrations; }
    }

    /// <summary>Deregistered sockets whose last completion has not arrived yet (0 once the kernel is done with them).</summary>
    public int LingeringCount
    {
        get { lock (_slabLock) return _lingering; }
    }

    /// <inheritdoc/>
    public long WaitCount => Volatile.Read(ref _waitCount);

    /// <summary>
    /// How many <c>io_uring_enter</c> calls only submitted (not a park): operations queued off the parking thread
    /// and not deferred, or a deferring worker's <see cref="SubmitDeferred"/>.
    /// </summary>
    public long ImmediateSubmitCount => Interlocked.Read(ref _immediateSubmits);

    /// <summary>Turns that did not wait and found nothing for the kernel to do, so made no <c>io_uring_enter</c>.</summary>
    internal long SkippedEnterCount => Volatile.Read(ref _skippedEnters);

    /// <summary>SQEs queued and not yet submitted (tests: a deferring thread's wait for its next submission).</summary>
    internal uint Unsubmitted => _ring.Unsubmitted;

    /// <summary>How many multishot receives ENOBUFS ended (every provided buffer waited for a reader).</summary>
    public long StarvedCount => Interlocked.Read(ref _starvedCount);

    /// <summary>How many times a socket's unread bytes reached <see cref="IoUringRegistration.MaxHeldBuffers"/> and its receive was paused.</summary>
    public long ReceivePausedCount => Interlocked.Read(ref _pausedCount);

    /// <summary>How many times the CQ overflowed into the kernel's list and was flushed.</summary>
    public long CqOverflowCount => Interlocked.Read(ref _cqOverflows);

    /// <inheritdoc/>
    public bool IsDisposed => Volatile.Read(ref _disposed);

    internal ProvidedBufferRing Buffers => _buffers;

    internal int Tick => Volatile.Read(ref _tick);

    /// <inheritdoc/>
    public IoRegistration Register(Socket socket, bool connecting)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var owner = socket.SafeHandle;
        int fd = (int)owner.DangerousGetHandle();
        lock (_slabLock)
        {
            int slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : NewSlot();
            int generation = ++_generations[slot];
            var registration = new IoUringRegistration(this, slot, generation, owner, fd,
                socket.SocketType == SocketType.Stream, connecting);
            Volatile.Write(ref _slots[slot], registration);
            _registrations++;
            return registration;
        }
    }

    private int NewSlot()
    {
        Debug.Assert(_slabLock.IsHeldByCurrentThread);
        if (_slotCount == CompletionToken.MaxSlot) throw new InvalidOperationException("More than 16M sockets registered with one io_uring driver.");
        if (_slotCount == _slots.Length)
        {
            Array.Resize(ref _generations, _slots.Length * 2);
            var grown = new IoUringRegistration?[_slots.Length * 2];
            _slots.CopyTo(grown, 0);
            Volatile.Write(ref _slots, grown); // Park reads the array without the lock
        }
        return _slotCount++;
    }

    /// <summary>A registration was deregistered; <paramref name="finished"/>: nothing of it is in flight.</summary>
    internal void Deregistered(IoUringRegistration registration, bool finished)
    {
        lock (_slabLock)
        {
            _registrations--;
            if (!finished)
            {
                _lingering++;
                return;
            }
        }
        Release(registration, lingering: false);
    }

    private void Release(IoUringRegistration registration, bool lingering)
    {
        registration.Free();
        lock (_slabLock)
        {
            if (lingering) _lingering--;
            _slots[registration.Slot] = null;
            _freeSlots.Push(registration.Slot);
        }
    }

    /// <summary>
    /// True while multishot receives may carry a byte limit (<c>sqe->optlen</c>, Linux 6.17's "multishot receive len
    /// cap"); false once a kernel refused one with EINVAL. Without it a slow reader's share of the buffer ring is
    /// bounded only by cancelling its receive at the cap, which the kernel may outrun.
    /// </summary>
    public bool ReceiveLimitSupported => Volatile.Read(ref _receiveLimitUnsupported) == 0;

    /// <summary>A limited receive was refused (EINVAL): receives are armed without a limit from now on, and the event says so once.</summary>
    internal void ReceiveLimitUnsupported()
    {
        if (Interlocked.Exchange(ref _receiveLimitUnsupported, 1) == 1) return;
        AsyncGenEventSource.Log.DriverFallback("IoUring", "IoUring without receive limits",
            "the kernel lacks the multishot receive byte limit (Linux 6.17); a slow reader's buffers are bounded by cancelling its receive");
    }

    /// <summary>A socket's unread bytes reached the cap: its receive is being cancelled (counted, see <see cref="ReceivePausedCount"/>).</summary>
    internal void ReceivePaused() => Interlocked.Increment(ref _pausedCount);

    /// <summary>A multishot receive ended with ENOBUFS while its reader waits: re-armed once buffers are recycled.</summary>
    internal void Starved(IoUringRegistration registration)
    {
        lock (_starvedLock) _starved.Add(registration);
    }

    /// <summary>
    /// Queues an SQE. The thread that parked last submits it with its next park (the turn's batch), a deferring
    /// worker with its next park or <see cref="SubmitDeferred"/>; any other thread submits it now.
    /// </summary>
    internal void Queue(in Sqe sqe)
    {
        for (int attempt = 0; !_ring.TryQueue(sqe); attempt++)
        {
            // The SQ is full: submit to make room. The kernel refuses only while it is short of CQ room (EBUSY),
            // which the parking thread resolves by reaping.
            int result = _ring.Enter(0, 0, 0);
            if (result < 0 && attempt >= 1000)
                throw new IOException($"io_uring's submission queue stays full (io_uring_enter: errno {-result}).");
            if (result < 0) Thread.Yield();
        }
        // A deferring worker submits before it blocks anywhere else (WorkerParker) and after every batch of polls that
        // did not turn the driver (Worker.Maintain): nothing it queues can wait for a parker blocked in the kernel.
        if (t_deferring == this) return;
        // Pairs with the fence in Park: either the parker's enter sees this SQE, or we see that we are not the parker.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _lastParkThread) != Environment.CurrentManagedThreadId) SubmitNow();
    }

    /// <summary>Queues a cancel of the request <paramref name="token"/> names (its final completion follows).</summary>
    internal void QueueCancel(ulong token) => Queue(new Sqe
    {
        Opcode = IoUringNative.OpAsyncCancel,
        Addr = token,
        UserData = CompletionToken.Make(0, 0, OperationKind.Cancel),
    });

    /// <summary>
    /// Submits every queued SQE now, from any thread (a socket's fd is about to close). The kernel refuses only while
    /// it lacks CQ room; the parker, unparked, makes room by reaping, so this retries until the SQ is empty.
    /// </summary>
    internal void SubmitAll()
    {
        for (int attempt = 0; _ring.Unsubmitted != 0; attempt++)
        {
            if (_ring.Enter(0, 0, 0) >= 0) continue;
            if (attempt >= 10_000) throw new IOException("io_uring refused submissions for too long; a socket cannot be closed safely.");
            Unpark();
            Thread.Yield();
        }
    }

    /// <inheritdoc/>
    public void DeferSubmissionsOnThisThread(bool defer) => t_deferring = defer ? this : null;

    /// <inheritdoc/>
    public void SubmitDeferred()
    {
        // Another thread's enter may have taken our SQEs already: then no syscall.
        if (!IsDisposed && _ring.HasUnsubmitted) SubmitNow();
    }

    private void SubmitNow()
    {
        if (IsDisposed) return;
        Interlocked.Increment(ref _immediateSubmits);
        int result = _ring.Enter(0, 0, 0);
        // Refused for now (CQ full): the parker submits it after reaping, so make sure one is awake.
        if (result < 0) Unpark();
    }

    /// <inheritdoc/>
    public void Park(int timeoutMs)
    {
        Debug.Assert(Volatile.Read(ref _parkingThread) == 0, "Two threads park in one driver");
        int me = Environment.CurrentManagedThreadId;
        Volatile.Write(ref _parkingThread, me);
        Volatile.Write(ref _lastParkThread, me);
        Interlocked.MemoryBarrier(); // pairs with Queue: SQEs published before this are submitted by our enter
        if (Interlocked.Exchange(ref _notified, 0) == 1) timeoutMs = 0;
        if (!_wakeArmed) ArmWake();
        RearmStarved();
        // A turn that does not wait enters only when the kernel has something for it: the executors take one every
        // 61 polls, and an enter that finds nothing was ~8 % of a yield loop.
        if (timeoutMs != 0 || _ring.NeedsEnter) SubmitAndWait(timeoutMs);
        else _skippedEnters++; // only the parking thread writes it (one at a time)
        Interlocked.Increment(ref _waitCount);
        Volatile.Write(ref _tick, ScheduledIo.NextTick(_tick));
        CoarseClock.Advance(); // completion wakes (in Reap) are stamped with the time after the wait
        int completions = Reap();
        RuntimeCounters.CountOnCurrent(RuntimeCounter.IoEvents, completions);
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.EpollWaitReturned(timeoutMs, completions);
        Volatile.Write(ref _notified, 0);
        Volatile.Write(ref _parkingThread, 0);
    }

    private void ArmWake()
    {
        _wakeArmed = true;
        Queue(new Sqe
        {
            Opcode = IoUringNative.OpRead,
            Fd = _wakeFd.Fd,
            Addr = (ulong)_wakeValue,
            Len = sizeof(ulong),
            UserData = CompletionToken.Make(0, 0, OperationKind.Wake),
        });
    }

    private void RearmStarved()
    {
        if (_buffers.Available == 0) return;
        IoUringRegistration[]? starved = null;
        lock (_starvedLock)
        {
            if (_starved.Count == 0) return;
            starved = [.. _starved];
            _starved.Clear();
        }
        foreach (var registration in starved) registration.RearmStarvedReceive();
    }

    private int SubmitAndWait(int timeoutMs)
    {
        uint minComplete = timeoutMs == 0 ? 0u : 1u;
        for (int attempt = 0; ; attempt++)
        {
            int result = _ring.Enter(minComplete, IoUringNative.EnterGetEvents, timeoutMs);
            if (result >= 0) return result;
            int errno = -result;
            // ETIME: the deadline passed. EINTR: a signal (the runtime uses them); a park may end early.
            if (errno is IoUringNative.ETIME or IoUringNative.EINTR) return 0;
            if (errno is IoUringNative.EBUSY or IoUringNative.EAGAIN && attempt < 3)
            {
                // The kernel holds completions it has no CQ room for: make room, then submit without waiting.
                Reap();
                minComplete = 0;
                timeoutMs = 0;
                continue;
            }
            throw new IOException($"io_uring_enter failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
        }
    }

    private int Reap()
    {
        int count = 0;
        while (true)
        {
            while (_ring.TryReapOne(out var cqe))
            {
                count++;
                Dispatch(cqe);
            }
            _ring.PublishCqHead();
            if (!_ring.CqOverflowed) return count;
            // NODROP kept the completions that did not fit: an enter moves them into the room just made.
            Interlocked.Increment(ref _cqOverflows);
            _ring.Enter(0, IoUringNative.EnterGetEvents, 0);
        }
    }

    private void Dispatch(in Cqe cqe)
    {
        var kind = CompletionToken.Kind(cqe.UserData);
        if (kind == OperationKind.Wake)
        {
            _wakeArmed = false; // re-armed by the next park
            return;
        }
        if (kind == OperationKind.Cancel) return;
        if ((cqe.Flags & IoUringNative.CqeBuffer) != 0) _buffers.Taken();
        if (kind == OperationKind.Receive && cqe.Res == -IoUringNative.ENOBUFS) Interlocked.Increment(ref _starvedCount);
        var slots = Volatile.Read(ref _slots);
        int slot = CompletionToken.Slot(cqe.UserData);
        var registration = slot < slots.Length ? Volatile.Read(ref slots[slot]) : null;
        if (registration is null || registration.Generation != CompletionToken.Generation(cqe.UserData))
        {
            // Cannot happen while slots are freed only after their last completion; never leak what it carries.
            if ((cqe.Flags & IoUringNative.CqeBuffer) != 0) _buffers.Recycle((ushort)(cqe.Flags >> IoUringNative.CqeBufferShift));
            if (kind == OperationKind.Accept && cqe.Res >= 0) Libc.close(cqe.Res);
            return;
        }
        if (registration.Complete(kind, cqe.Res, cqe.Flags)) Release(registration, lingering: true);
    }

    /// <inheritdoc/>
    public void Unpark()
    {
        if (Environment.CurrentManagedThreadId == Volatile.Read(ref _parkingThread)) return;
        if (Interlocked.Exchange(ref _notified, 1) == 1) return;
        ulong one = 1;
        bool added = false;
        try
        {
            _wakeFd.DangerousAddRef(ref added);
            Libc.write(_wakeFd.Fd, &one, sizeof(ulong));
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

    /// <summary>
    /// Lets in-flight sends finish (at most <see cref="DisposeDrainMs"/>), cancels every other request, drains their
    /// completions, then closes the ring and frees the buffers. Registrations still held by sockets become inert.
    /// </summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        long deadline = Environment.TickCount64 + DisposeDrainMs;
        while (LingeringOrSending() && Environment.TickCount64 < deadline)
        {
            SubmitAndWait(10);
            Reap();
        }
        Queue(new Sqe
        {
            Opcode = IoUringNative.OpAsyncCancel,
            OpFlags = IoUringNative.CancelAny | IoUringNative.CancelAll,
            UserData = CompletionToken.Make(0, 0, OperationKind.Cancel),
        });
        for (int round = 0; round < 100 && InFlight() > 0; round++)
        {
            SubmitAndWait(10);
            Reap();
        }
        bool drained = InFlight() == 0;
        Volatile.Write(ref _disposed, true);
        _ring.Dispose();
        _wakeFd.Dispose();
        // If the kernel still held a request (it never should after the cancel), its memory must outlive it: leak it.
        if (!drained) return;
        IoUringRegistration?[] slots;
        lock (_slabLock) slots = _slots;
        foreach (var registration in slots) registration?.Free();
        _buffers.Dispose();
        NativeMemory.Free(_wakeValue);
    }

    private bool LingeringOrSending()
    {
        lock (_slabLock)
        {
            foreach (var registration in _slots)
            {
                if (registration is not null && registration.SendInFlight) return true;
            }
            return false;
        }
    }

    private int InFlight()
    {
        int total = _wakeArmed ? 1 : 0;
        lock (_slabLock)
        {
            foreach (var registration in _slots) total += registration?.InFlight ?? 0;
        }
        return total;
    }
}
