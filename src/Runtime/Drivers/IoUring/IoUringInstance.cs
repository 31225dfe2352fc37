using System.Diagnostics;
using System.Runtime.InteropServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// One io_uring instance of an <see cref="IoUringDriver"/> and what lives with it: the mapped rings, the
/// provided-buffer ring its receives fill, the eventfd that unparks it, and the park / reap loop of the one thread that
/// waits in it. The driver has one (the shared instance) and, under a work-stealing executor, one more per worker
/// beyond the first (<see cref="IoUringDriver.TryCreateWorkerRings"/>).
/// </summary>
/// <remarks>
/// <para><b>Who waits here.</b> One thread at a time parks in an instance (<see cref="Park"/>); it alone reaps the
/// CQ and dispatches completions to registrations, whose wakes schedule the woken tasks on that thread. Any thread may
/// queue (<see cref="Queue"/>) and submit; a thread that queues into an instance it does not park in submits at once
/// (the parker may be blocked in the kernel), except a deferring worker into its own instance.</para>
/// <para><b>Why an instance per worker.</b> io_uring runs a request's completion work on the task that submitted it
/// (without IORING_SETUP_DEFER_TASKRUN it interrupts that task, asleep or not). With one ring shared by the workers,
/// a worker asleep on its monitor was woken by the kernel for every receive it had armed, to post a completion that
/// another worker — the one parked in the ring — reaped: two wake-ups per event. With an instance per worker, the
/// worker that armed a receive is the one parked in the ring that receives its completion: the kernel's wake-up
/// is also the useful one.</para>
/// </remarks>
[DebuggerDisplay("IoUringInstance {Index} ({_waitCount} waits)")]
internal sealed unsafe class IoUringInstance : IParker
{
    private readonly IoUringDriver _driver;
    private readonly IoUringRing _ring;
    private readonly FileDescriptorHandle _wakeFd;
    private readonly ulong* _wakeValue;
    private readonly Lock _starvedLock = new();
    private readonly List<IoUringRegistration> _starved = [];
    private int _notified;
    private int _parkingThread;
    private int _lastParkThread;
    private int _owner;          // managed thread id of the worker whose ring this is; 0: none (shared, or it ended)
    private long _forwarded;
    private bool _wakeArmed;
    private long _waitCount;
    private long _immediateSubmits;
    private long _skippedEnters;
    private long _cqOverflows;
    private bool _closed;

    private IoUringInstance(IoUringDriver driver, int index, IoUringRing ring, ProvidedBufferRing buffers, FileDescriptorHandle wakeFd)
    {
        _driver = driver;
        Index = index;
        _ring = ring;
        Buffers = buffers;
        _wakeFd = wakeFd;
        _wakeValue = (ulong*)NativeMemory.Alloc(sizeof(ulong));
    }

    /// <summary>
    /// Builds an instance of <paramref name="entries"/> SQEs (4 CQEs each) with its buffer ring and eventfd, or returns
    /// the errno that says why not.
    /// </summary>
    public static int TryCreate(IoUringDriver driver, int index, uint entries, uint completionsPerSubmission, out IoUringInstance? instance)
    {
        instance = null;
        int errno = IoUringRing.TryCreate(entries, completionsPerSubmission * entries, driver.SimulateOptionalFlagsRefused,
            out var ring, out bool withoutOptionalFlags);
        if (errno != 0) return errno;
        if (withoutOptionalFlags) driver.OptionalFlagsRefused();
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
        instance = new IoUringInstance(driver, index, ring, buffers!, new FileDescriptorHandle(wakeFd));
        return 0;
    }

    /// <summary>The driver this instance belongs to.</summary>
    public IoUringDriver Driver => _driver;

    /// <summary>0 for the shared instance, the worker's index for a worker's own.</summary>
    public int Index { get; }

    /// <summary>The buffers this instance's multishot receives fill.</summary>
    public ProvidedBufferRing Buffers { get; }

    public long WaitCount => Volatile.Read(ref _waitCount);

    public long ImmediateSubmitCount => Interlocked.Read(ref _immediateSubmits);

    public long SkippedEnterCount => Volatile.Read(ref _skippedEnters);

    public long CqOverflowCount => Interlocked.Read(ref _cqOverflows);

    public uint Unsubmitted => _ring.Unsubmitted;

    /// <summary>Tests: a thread is inside <see cref="Park"/> here (maybe blocked in the kernel).</summary>
    internal bool HasParker => Volatile.Read(ref _parkingThread) != 0;

    /// <summary>True while the calling thread is the one parked in this instance (dispatching its completions).</summary>
    public bool IsParkingThread => Volatile.Read(ref _parkingThread) == Environment.CurrentManagedThreadId;

    /// <summary>
    /// Queues an SQE. The thread that parked here last submits it with its next park (the turn's batch), a deferring
    /// worker queuing into its own instance with its next park or <see cref="SubmitDeferred"/>; any other thread
    /// submits it now.
    /// </summary>
    public void Queue(in Sqe sqe)
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
        // did not turn its instance (Worker.Maintain): nothing it queues can wait for a parker blocked in the kernel.
        if (_driver.DefersInto(this)) return;
        // Pairs with the fence in Park: either the parker's enter sees this SQE, or we see that we are not the parker.
        // Pairs with the fence in ReleaseOwnership: either the worker's last submission sees this SQE, or we see it gone.
        Interlocked.MemoryBarrier();
        int me = Environment.CurrentManagedThreadId;
        int owner = Volatile.Read(ref _owner);
        if (owner != 0 && owner != me)
        {
            // A worker's ring, and we are not its worker (a cancel of a request that lives here, a non-worker thread's
            // operation on worker 0's ring): the worker submits it with its next turn, woken if it sleeps here. An
            // enter from this thread would also submit what the worker deferred, and the kernel would then run the
            // completion work of those requests (multishot receives: for as long as they live) on this thread.
            Interlocked.Increment(ref _forwarded);
            Unpark();
            return;
        }
        if (Volatile.Read(ref _lastParkThread) != me) SubmitNow();
    }

    /// <summary>
    /// Called by the worker that owns this ring, on its thread, before it first queues here: from now on other
    /// threads leave their SQEs for it (<see cref="Queue"/>) instead of entering the ring themselves.
    /// </summary>
    public void TakeOwnership() => Volatile.Write(ref _owner, Environment.CurrentManagedThreadId);

    /// <summary>
    /// Called by the owning worker as it ends: other threads submit their own SQEs again, and what they left here
    /// before seeing it gone is submitted now (the fence pairs with <see cref="Queue"/>'s: either they see the owner
    /// gone, or this sees their SQE).
    /// </summary>
    public void ReleaseOwnership()
    {
        Volatile.Write(ref _owner, 0);
        Interlocked.MemoryBarrier();
        SubmitDeferred();
    }

    /// <summary>SQEs other threads left in this worker's ring for it to submit (<see cref="Queue"/>).</summary>
    public long ForwardedCount => Interlocked.Read(ref _forwarded);

    /// <summary>
    /// Submits every queued SQE now if one of them names <paramref name="fd"/>, which is about to close: after the
    /// close the number may name another socket. SQEs that name no fd (cancels) may wait for the ring's worker.
    /// </summary>
    public void SubmitAllIfNaming(int fd)
    {
        if (!Volatile.Read(ref _closed) && _ring.HasUnsubmittedNaming(fd)) SubmitAll();
    }

    /// <summary>
    /// Submits every queued SQE now, from any thread (a socket's fd is about to close). The kernel refuses only while
    /// it lacks CQ room; the parker, unparked, makes room by reaping, so this retries until the SQ is empty.
    /// </summary>
    public void SubmitAll()
    {
        for (int attempt = 0; !Volatile.Read(ref _closed) && _ring.Unsubmitted != 0; attempt++)
        {
            _driver.CountIfForeign(this);
            if (_ring.Enter(0, 0, 0) >= 0) continue;
            if (attempt >= 10_000) throw new IOException("io_uring refused submissions for too long; a socket cannot be closed safely.");
            Unpark();
            Thread.Yield();
        }
    }

    /// <summary>Submits what waits, if anything does (another thread's enter may have taken our SQEs already: then no syscall).</summary>
    public void SubmitDeferred()
    {
        if (!Volatile.Read(ref _closed) && _ring.HasUnsubmitted) SubmitNow();
    }

    private void SubmitNow()
    {
        if (Volatile.Read(ref _closed)) return;
        Interlocked.Increment(ref _immediateSubmits);
        _driver.CountIfForeign(this);
        int result = _ring.Enter(0, 0, 0);
        // Refused for now (CQ full): the parker submits it after reaping, so make sure one is awake.
        if (result < 0) Unpark();
    }

    /// <summary>
    /// Submits what is queued and waits at most <paramref name="timeoutMs"/> (0: not at all) for a completion or an
    /// <see cref="Unpark"/>, then dispatches every completion. Timers are the caller's (<see cref="Driver.Park"/>).
    /// </summary>
    public void Park(int timeoutMs)
    {
        Debug.Assert(Volatile.Read(ref _parkingThread) == 0, "Two threads park in one io_uring instance");
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
        _driver.AdvanceTick();
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

    /// <summary>
    /// Returns provided buffer <paramref name="id"/> of this instance, from any thread. When it is the first back in an
    /// empty ring while receives starved here, this ring's worker is woken: only its park re-arms them
    /// (<see cref="RearmStarved"/>), and with a ring per worker the reader that recycled may run on another worker,
    /// while this one sleeps without a deadline. A receive that starves after this check is re-armed by this ring's
    /// next park, which reads the count after adding to the list (the recycler reads them in the opposite order, and
    /// <c>_starvedLock</c> orders the two).
    /// </summary>
    public void Recycle(ushort id)
    {
        if (!Buffers.Recycle(id)) return;
        bool starved;
        lock (_starvedLock) starved = _starved.Count != 0;
        if (starved) Unpark();
    }

    /// <summary>A multishot receive on this instance ended with ENOBUFS while its reader waits: re-armed once buffers are recycled.</summary>
    public void Starved(IoUringRegistration registration)
    {
        lock (_starvedLock) _starved.Add(registration);
    }

    private void RearmStarved()
    {
        if (Buffers.Available == 0) return;
        IoUringRegistration[]? starved = null;
        lock (_starvedLock)
        {
            if (_starved.Count == 0) return;
            starved = [.. _starved];
            _starved.Clear();
        }
        foreach (var registration in starved) registration.RearmStarvedReceive();
    }

    /// <summary>io_uring_enter that submits and waits; ETIME and EINTR end it, a CQ short of room is reaped first.</summary>
    public int SubmitAndWait(int timeoutMs)
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

    /// <summary>How far ahead of the completion being dispatched <see cref="Reap"/> prefetches: 1, the one after next (a dispatch takes longer than a miss).</summary>
    private const uint PrefetchDistance = 1;

    /// <summary>Parking thread (or the driver's shutdown): dispatches every completion in the CQ.</summary>
    public int Reap()
    {
        int count = 0;
        while (true)
        {
            while (_ring.TryReapOne(out var cqe))
            {
                count++;
                // At 1,000 connections each completion's registration was last touched a thousand requests ago, and
                // the first touch (IoUringDriver.Find) was 1.8 % of the server's samples: fetch the one after next
                // while this one is dispatched.
                if (_ring.TryPeekUserData(PrefetchDistance, out ulong next)) _driver.Prefetch(next);
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
        if ((cqe.Flags & IoUringNative.CqeBuffer) != 0) Buffers.Taken();
        if (kind == OperationKind.Receive && cqe.Res == -IoUringNative.ENOBUFS)
        {
            _driver.CountStarved();
            Buffers.Grow(); // the ring ran dry: more buffers, unless it has them all
        }
        var registration = _driver.Find(cqe.UserData);
        if (registration is null)
        {
            // Cannot happen while slots are freed only after their last completion; never leak what it carries.
            if ((cqe.Flags & IoUringNative.CqeBuffer) != 0) Recycle((ushort)(cqe.Flags >> IoUringNative.CqeBufferShift));
            if (kind == OperationKind.Accept && cqe.Res >= 0) Libc.close(cqe.Res);
            return;
        }
        if (registration.Complete(this, kind, cqe.Res, cqe.Flags)) _driver.ReleaseLingering(registration);
    }

    /// <summary>Makes the current or next <see cref="Park"/> return. Thread-safe; no syscall unless a park may be blocked.</summary>
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

    /// <summary>Queues a cancel of the request <paramref name="token"/> names, which lives here (its final completion follows).</summary>
    public void QueueCancel(ulong token) => Queue(new Sqe
    {
        Opcode = IoUringNative.OpAsyncCancel,
        Addr = token,
        UserData = CompletionToken.Make(0, 0, OperationKind.Cancel),
    });

    /// <summary>Shutdown: cancels every request in flight here (their completions follow).</summary>
    public void CancelEverything() => Queue(new Sqe
    {
        Opcode = IoUringNative.OpAsyncCancel,
        OpFlags = IoUringNative.CancelAny | IoUringNative.CancelAll,
        UserData = CompletionToken.Make(0, 0, OperationKind.Cancel),
    });

    /// <summary>1 while the eventfd read is armed (the driver's shutdown drain counts it).</summary>
    public int WakeInFlight => _wakeArmed ? 1 : 0;

    /// <summary>Closes the ring and the eventfd; the buffers are freed separately (<see cref="FreeMemory"/>), once nothing is in flight.</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, true);
        _ring.Dispose();
        _wakeFd.Dispose();
    }

    /// <summary>Frees the buffer ring and the eventfd's value; only after <see cref="Close"/> drained every request.</summary>
    public void FreeMemory()
    {
        Buffers.Dispose();
        NativeMemory.Free(_wakeValue);
    }

    /// <summary>Closes it (IParker); the driver frees the memory after draining (<see cref="IoUringDriver.Dispose"/>).</summary>
    void IDisposable.Dispose() => Close();
}
