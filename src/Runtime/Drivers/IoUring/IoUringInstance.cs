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
    private long _crossRingReads; // written by the owning worker only (CountCrossRingRead)
    private bool _wakeArmed;
    private long _waitCount;
    private long _immediateSubmits;
    private long _skippedEnters;
    private long _cqOverflows;
    private bool _closed;
    private readonly bool _workerRing;
    private readonly bool _batched;      // waits for a batch of completions (SINGLE_ISSUER | DEFER_TASKRUN and min_wait)
    private readonly Lock _overflowLock = new();
    private Sqe[] _overflow = [];        // SQEs other threads left while the SQ was full (guarded by _overflowLock)
    private int _overflowCount;          // written under _overflowLock; read without it by the owner's turns
    private bool _overflowClosed;        // guarded by _overflowLock: the ring retired
    private bool _retiring;              // the owner's: draining before its worker ends
    private bool _retired;
    private long _closeWaits;
    private long _batchedWaits;
    private readonly ulong _fileTableBit;   // this ring's bit in a registration's file-table mask; 0: no file table
    private int _filesInstalled;

    /// <summary>
    /// Entries of a ring's file table: 16,384 (128 KiB of kernel memory per ring, 8 bytes an entry). A socket's entry
    /// is its registration's slab slot, and slots are reused lowest-first, so the table covers the first 16,384
    /// sockets registered at once; beyond, operations name the plain fd (<see cref="IoUringDriver.UnfixedOperationCount"/>).
    /// </summary>
    internal const int FileTableSize = 16_384;

    /// <summary>
    /// The first wait of a batch ends after this long with what has completed: 200 µs, well under the 100-connection
    /// echo's p50 on the quiet machine (~0.5 ms, benchmarks/README.md), so batching cannot double a request's latency.
    /// </summary>
    private const uint MinWaitUsec = 200;

    /// <summary>
    /// Completions a batched wait asks for per request in flight on the ring: one sixteenth, so a ring with fewer than
    /// 32 requests (a lone request-response connection, a few sockets) waits for the first completion as before.
    /// </summary>
    private const uint RequestsPerBatchedCompletion = 16;

    /// <summary>The largest batch a wait asks for: 256, a quarter of the SQ (far below the CQ's 4,096).</summary>
    private const uint MaxBatch = 256;

    private IoUringInstance(IoUringDriver driver, int index, IoUringRing ring, ProvidedBufferRing buffers, FileDescriptorHandle wakeFd, bool workerRing,
        ulong fileTableBit)
    {
        _fileTableBit = fileTableBit;
        _driver = driver;
        Index = index;
        _workerRing = workerRing;
        _batched = ring.SingleIssuer && ring.MinWaitSupported;
        _ring = ring;
        Buffers = buffers;
        _wakeFd = wakeFd;
        _wakeValue = (ulong*)NativeMemory.Alloc(sizeof(ulong));
    }

    /// <summary>
    /// Builds an instance of <paramref name="entries"/> SQEs (4 CQEs each) with its buffer ring and eventfd, or returns
    /// the errno that says why not.
    /// </summary>
    public static int TryCreate(IoUringDriver driver, int index, uint entries, uint completionsPerSubmission, out IoUringInstance? instance,
        bool workerRing = false, bool singleIssuer = false)
    {
        instance = null;
        int errno = IoUringRing.TryCreate(entries, completionsPerSubmission * entries, driver.SimulateOptionalFlagsRefused,
            singleIssuer, refuseSingleIssuer: driver.SimulateSingleIssuerRefused,
            out var ring, out bool withoutOptionalFlags, out bool withoutSingleIssuer);
        if (errno != 0) return errno;
        if (withoutOptionalFlags) driver.OptionalFlagsRefused();
        if (withoutSingleIssuer) driver.BatchedWaitsRefused("the kernel refused IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN (Linux 6.1)");
        else if (singleIssuer && ring!.SingleIssuer && !ring.MinWaitSupported)
            driver.BatchedWaitsRefused("the kernel lacks IORING_FEAT_MIN_TIMEOUT (Linux 6.12)");
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
        instance = new IoUringInstance(driver, index, ring, buffers!, new FileDescriptorHandle(wakeFd), workerRing,
            FileTable(driver, ring, index));
        return 0;
    }

    /// <summary>
    /// Registers an empty (sparse) file table with the ring; returns the ring's bit for
    /// <see cref="IoUringRegistration"/>'s mask of tables it is in, or 0 when the ring has none. A SINGLE_ISSUER ring
    /// (the opt-in batched worker rings) gets none: the kernel takes io_uring_register on it only from its worker, and
    /// an entry is cleared by whichever thread releases the socket. A kernel that refuses the table (before 5.19) is
    /// counted and reported (<see cref="IoUringDriver.FileTableFallbackCount"/>, event 20).
    /// </summary>
    private static ulong FileTable(IoUringDriver driver, IoUringRing ring, int index)
    {
        if (ring.SingleIssuer) return 0;
        // Bit 0: the shared ring; bit i + 1: worker i's (a work-stealing executor of more than 63 workers: counted).
        if (index + 1 >= 64)
        {
            driver.FileTableRefused($"worker {index} is beyond the 63 worker rings a registration can track");
            return 0;
        }
        int errno = driver.SimulatedFileTableErrno;
        if (errno == 0)
        {
            var table = new RsrcRegister { Count = FileTableSize, Flags = IoUringNative.RsrcRegisterSparse };
            bool added = false;
            try
            {
                ring.Fd.DangerousAddRef(ref added);
                if (IoUringNative.Register(ring.Fd.Fd, IoUringNative.RegisterFiles2, &table, (uint)sizeof(RsrcRegister)) < 0)
                    errno = Marshal.GetLastPInvokeError();
            }
            finally
            {
                if (added) ring.Fd.DangerousRelease();
            }
        }
        if (errno == 0) return 1ul << (index + 1);
        driver.FileTableRefused($"IORING_REGISTER_FILES2 of a sparse table failed (errno {errno}; Linux 5.19)");
        return 0;
    }

    /// <summary>This ring's bit in a registration's mask of file tables (0: the ring has no file table).</summary>
    public ulong FileTableBit => _fileTableBit;

    /// <summary>Sockets in this ring's file table now (tests: 0 once every socket was released).</summary>
    public int FilesInstalled => Volatile.Read(ref _filesInstalled);

    /// <summary>
    /// Puts <paramref name="fd"/>'s socket at entry <paramref name="index"/> of this ring's file table (one
    /// io_uring_register, once per socket and ring): SQEs then name the entry (IOSQE_FIXED_FILE) and the kernel skips
    /// the per-request fd lookup and its reference count on the socket's file. The caller holds the registration's
    /// lock, before its Deregister: the fd is open. False (counted) when the index is beyond the table or the kernel
    /// refused; the SQE then names the fd.
    /// </summary>
    public bool TryInstallFile(int index, SafeHandle owner, int fd)
    {
        if (_fileTableBit == 0) return false;
        if (index < FileTableSize && UpdateFileTable(index, fd, owner) == 1)
        {
            Interlocked.Increment(ref _filesInstalled);
            return true;
        }
        _driver.CountUnfixed();
        return false;
    }

    /// <summary>
    /// Clears entry <paramref name="index"/> (any thread, once no unsubmitted SQE of this ring names it): the table's
    /// reference on the socket goes, and with it the socket if .NET closed its fd. Nothing once the ring is closed
    /// (its table went with it).
    /// </summary>
    public void RemoveFile(int index)
    {
        if (Volatile.Read(ref _closed)) return;
        if (UpdateFileTable(index, -1, owner: null) == 1) Interlocked.Decrement(ref _filesInstalled);
    }

    private int UpdateFileTable(int index, int fd, SafeHandle? owner)
    {
        bool ringAdded = false, ownerAdded = false;
        try
        {
            _ring.Fd.DangerousAddRef(ref ringAdded);
            owner?.DangerousAddRef(ref ownerAdded); // the socket's fd stays open (and its number its own) during the call
            var update = new FilesUpdate { Offset = (uint)index, Fds = (ulong)&fd };
            return IoUringNative.Register(_ring.Fd.Fd, IoUringNative.RegisterFilesUpdate, &update, 1);
        }
        catch (ObjectDisposedException)
        {
            return -1; // the ring closed (its table with it), or the socket did: nothing to install or clear
        }
        finally
        {
            if (ownerAdded) owner!.DangerousRelease();
            if (ringAdded) _ring.Fd.DangerousRelease();
        }
    }

    /// <summary>The driver this instance belongs to.</summary>
    public IoUringDriver Driver => _driver;

    /// <summary>−1 for the shared instance, the worker's index for a worker's own.</summary>
    public int Index { get; }

    /// <summary>A worker's own ring: only its worker enters it (other threads leave their SQEs for it).</summary>
    public bool IsWorkerRing => _workerRing;

    /// <summary>Created SINGLE_ISSUER | DEFER_TASKRUN (a worker ring on Linux 6.1+).</summary>
    public bool SingleIssuer => _ring.SingleIssuer;

    /// <summary>Parks wait for a batch of completions (<see cref="SingleIssuer"/> and IORING_FEAT_MIN_TIMEOUT).</summary>
    public bool Batched => _batched;

    /// <summary>The worker drained this ring before it ended: nothing of it is in the kernel, and nothing can be queued here.</summary>
    public bool Retired => Volatile.Read(ref _retired);

    /// <summary>
    /// Times a closing thread waited for this ring's worker to leave an enter that may have been reading an SQE it
    /// pointed at a duplicate fd (<see cref="Retarget"/>).
    /// </summary>
    public long CloseWaitCount => Interlocked.Read(ref _closeWaits);

    /// <summary>Waits that asked for more than one completion (a batch, <see cref="BatchSize"/>).</summary>
    public long BatchedWaitCount => Volatile.Read(ref _batchedWaits);

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
    /// Queues an SQE; returns the instance it went to (this one, or the shared one once this worker ring retired). The
    /// thread that parked here last submits it with its next park (the turn's batch), a deferring worker queuing into
    /// its own instance with its next park or <see cref="SubmitDeferred"/>; on a worker's ring, any other thread
    /// leaves it for the worker (only the worker enters its ring); on the shared ring, any other thread submits it now.
    /// </summary>
    /// <param name="sqe">The request.</param>
    /// <param name="plainFd">The fd an SQE naming this ring's file-table entry (IOSQE_FIXED_FILE) names instead if it
    /// goes to the shared ring (this worker ring retired meanwhile).</param>
    public IoUringInstance Queue(in Sqe sqe, int plainFd = -1)
    {
        for (int attempt = 0; ; attempt++)
        {
            var queued = _ring.TryQueue(sqe);
            if (queued == QueueResult.Queued) break;
            // Retired: its worker drained it and ended; nothing that lived here is left to cancel or complete.
            if (queued == QueueResult.Closed) return _driver.QueueOnShared(Unfixed(sqe, plainFd));
            if (_workerRing && !IsOwnerThread)
            {
                // A worker's SQ is full and we are not its worker: we may not enter its ring (SINGLE_ISSUER refuses
                // it, and our enter would run its requests' completion work here), and waiting for the worker could
                // deadlock (it may be dispatching a completion of the registration whose lock we hold). Left aside
                // for its next turn, which moves it into the SQ.
                if (!Overflow(sqe)) return _driver.QueueOnShared(Unfixed(sqe, plainFd));
                Interlocked.Increment(ref _forwarded);
                Unpark();
                return this;
            }
            // The SQ is full: submit to make room. The kernel refuses only while it is short of CQ room (EBUSY),
            // which the parking thread resolves by reaping.
            int result = _ring.Enter(0, 0, 0);
            if (result < 0 && attempt >= 1000)
                throw new IOException($"io_uring's submission queue stays full (io_uring_enter: errno {-result}).");
            if (result < 0) Thread.Yield();
        }
        // A deferring worker submits before it blocks anywhere else (WorkerParker) and after every batch of polls that
        // did not turn its instance (Worker.Maintain): nothing it queues can wait for a parker blocked in the kernel.
        if (_driver.DefersInto(this)) return this;
        // Pairs with the fence in Park: either the parker's enter sees this SQE, or we see that we are not the parker.
        Interlocked.MemoryBarrier();
        if (_workerRing)
        {
            if (IsOwnerThread)
            {
                if (Volatile.Read(ref _lastParkThread) != Environment.CurrentManagedThreadId) SubmitNow();
                return this;
            }
            // A worker's ring, and we are not its worker (a cancel of a request that lives here, a non-worker thread's
            // operation on worker 0's ring): the worker submits it with its next turn, woken if it sleeps here. An
            // enter from this thread would also submit what the worker deferred, and the kernel would then run the
            // completion work of those requests (multishot receives: for as long as they live) on this thread; on a
            // SINGLE_ISSUER ring the kernel refuses it (EEXIST).
            Interlocked.Increment(ref _forwarded);
            Unpark();
            return this;
        }
        if (Volatile.Read(ref _lastParkThread) != Environment.CurrentManagedThreadId) SubmitNow();
        return this;
    }

    /// <summary>The same request naming <paramref name="plainFd"/> instead of an entry of this ring's file table.</summary>
    private static Sqe Unfixed(in Sqe sqe, int plainFd)
    {
        if ((sqe.Flags & IoUringNative.SqeFixedFile) == 0) return sqe;
        var plain = sqe;
        plain.Flags &= unchecked((byte)~IoUringNative.SqeFixedFile);
        plain.Fd = plainFd;
        return plain;
    }

    private bool IsOwnerThread => Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId;

    /// <summary>A worker owns this ring now (between <see cref="TakeOwnership"/> and the end of <see cref="Retire"/>).</summary>
    public bool HasOwner => Volatile.Read(ref _owner) != 0;

    /// <summary>A worker took this ring at some point (a ring never taken was never enabled: nothing of it reached the kernel).</summary>
    public bool HasEverOwner { get; private set; }

    /// <summary>Keeps an SQE another thread could not queue (the SQ was full) for the worker's next turn; false once the ring retired.</summary>
    private bool Overflow(in Sqe sqe)
    {
        lock (_overflowLock)
        {
            if (_overflowClosed) return false;
            if (_overflowCount == _overflow.Length) Array.Resize(ref _overflow, Math.Max(16, _overflow.Length * 2));
            _overflow[_overflowCount] = sqe;
            Volatile.Write(ref _overflowCount, _overflowCount + 1);
            return true;
        }
    }

    /// <summary>
    /// The owner, before it enters: moves what other threads left aside into the SQ, as far as it has room. Returns
    /// true when some is still left aside (the SQ filled up).
    /// </summary>
    private bool MoveOverflow()
    {
        if (Volatile.Read(ref _overflowCount) == 0) return false;
        lock (_overflowLock)
        {
            while (_overflowCount > 0 && _ring.TryQueue(_overflow[_overflowCount - 1]) == QueueResult.Queued) _overflowCount--;
            return _overflowCount > 0;
        }
    }

    /// <summary>Tests: SQEs other threads left aside because the SQ was full.</summary>
    internal int OverflowCount => Volatile.Read(ref _overflowCount);

    /// <summary>
    /// Called by the worker that owns this ring, on its thread, before it first queues here: a ring created disabled
    /// is enabled with this thread as its single issuer; from now on other threads leave their SQEs for it
    /// (<see cref="Queue"/>) instead of entering the ring themselves.
    /// </summary>
    public void TakeOwnership()
    {
        int errno = _ring.Enable();
        if (errno != 0) throw new IOException($"io_uring refused to enable a worker's ring (IORING_REGISTER_ENABLE_RINGS: errno {errno}).", errno);
        HasEverOwner = true;
        Volatile.Write(ref _owner, Environment.CurrentManagedThreadId);
    }

    /// <summary>
    /// Called by the owning worker as it ends, on its thread: drains the ring so that no other thread ever has to enter
    /// it. Lets sends in flight finish (at most <paramref name="sendDrainMs"/>, as the driver's Dispose does), then
    /// queues one cancel of everything and closes the ring to new SQEs in the same step (nothing can arm behind the
    /// cancel; later SQEs go to the shared ring), and turns it until every request queued here had its last
    /// completion. A ring that does not drain in time stays unretired: the driver's Dispose then leaks its memory
    /// rather than free what the kernel may still write.
    /// </summary>
    public void Retire(int sendDrainMs)
    {
        if (Volatile.Read(ref _closed)) return;
        long deadline = Environment.TickCount64 + sendDrainMs;
        while (_driver.SendInFlight() && Environment.TickCount64 < deadline) Park(1);
        _retiring = true; // the wake read is not re-armed: the cancel below ends it
        lock (_overflowLock)
        {
            while (_overflowCount > 0)
            {
                if (_ring.TryQueue(_overflow[_overflowCount - 1]) == QueueResult.Queued) _overflowCount--;
                else _ring.Enter(0, 0, 0);
            }
            _overflowClosed = true;
        }
        var cancelAll = CancelEverythingSqe;
        while (!_ring.TryQueueLast(cancelAll)) _ring.Enter(0, 0, 0);
        for (int round = 0; round < RetireRounds && !_ring.Drained; round++) Park(RetireWaitMs);
        if (_ring.Drained) Volatile.Write(ref _retired, true);
        Volatile.Write(ref _owner, 0);
    }

    /// <summary>Turns of a retiring ring before it gives up: 100 × 10 ms, the driver's Dispose drain's bound.</summary>
    private const int RetireRounds = 100;

    private const int RetireWaitMs = 10;

    /// <summary>
    /// The close path (any thread): points unsubmitted SQEs naming <paramref name="fd"/>, in the SQ or left aside,
    /// at <paramref name="replacement"/>, a duplicate the registration keeps until its last completion (or −1: they
    /// fail with EBADF). No enter: only the worker enters its ring. If the worker is inside an enter that may have
    /// read one of them with the old number (the kernel reads and resolves it in one submit), waits for that submit to
    /// end — the kernel's, not the worker's code: it takes none of our locks — unparking the worker in case the
    /// enter went on to wait. Returns whether anything named the fd.
    /// </summary>
    public bool Retarget(int fd, int replacement)
    {
        if (Volatile.Read(ref _closed)) return false;
        bool found = _ring.Retarget(fd, replacement, out bool wait, out uint enterSeq, out uint lastPosition);
        lock (_overflowLock)
        {
            for (int i = 0; i < _overflowCount; i++)
            {
                ref var left = ref _overflow[i];
                if (!IoUringRing.Names(left, fd)) continue;
                left.Fd = replacement;
                found = true;
            }
        }
        if (!wait) return found;
        Interlocked.Increment(ref _closeWaits);
        var spin = new SpinWait();
        while (!_ring.EnterPassed(enterSeq, lastPosition))
        {
            if (spin.Count == 10) Unpark();
            spin.SpinOnce();
        }
        return found;
    }

    /// <summary>
    /// True when an unsubmitted SQE here (in the SQ or left aside) names <paramref name="fd"/>, or entry
    /// <paramref name="fileIndex"/> of this ring's file table (-1: not asked).
    /// </summary>
    public bool HasUnsubmittedNaming(int fd, int fileIndex = -1)
    {
        if (Volatile.Read(ref _closed)) return false;
        if (_ring.HasUnsubmittedNaming(fd, fileIndex)) return true;
        if (Volatile.Read(ref _overflowCount) == 0) return false;
        lock (_overflowLock)
        {
            for (int i = 0; i < _overflowCount; i++)
            {
                if (IoUringRing.Names(_overflow[i], fd) || (fileIndex >= 0 && IoUringRing.NamesEntry(_overflow[i], fileIndex))) return true;
            }
            return false;
        }
    }

    /// <summary>SQEs other threads left in this worker's ring for it to submit (<see cref="Queue"/>).</summary>
    public long ForwardedCount => Interlocked.Read(ref _forwarded);

    /// <summary>
    /// Reads by this ring's worker of bytes another ring received (the task had moved away from the ring its receive
    /// lives on, <see cref="IoUringDriver.CrossRingReadCount"/>).
    /// </summary>
    public long CrossRingReadCount => Volatile.Read(ref _crossRingReads);

    /// <summary>This ring's worker read bytes another ring received. Its thread only: a plain increment.</summary>
    public void CountCrossRingRead() => _crossRingReads++;

    /// <summary>
    /// The shared ring: submits every queued SQE now if one of them names <paramref name="fd"/>, which is about to
    /// close: after the close the number may name another socket. (Worker rings are retargeted instead, <see cref="Retarget"/>.)
    /// One naming the socket's file-table entry <paramref name="fileIndex"/> is submitted too: it would stay valid, but
    /// a socket's last bytes go out at its close, as they did before registered files, not at the ring's next turn.
    /// </summary>
    public void SubmitAllIfNaming(int fd, int fileIndex)
    {
        if (!Volatile.Read(ref _closed) && _ring.HasUnsubmittedNaming(fd, fileIndex)) SubmitAll();
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
        // Completions the last park left in the CQ (MaxCompletionsPerPark) are work: take them without waiting.
        if (_ring.HasCompletions) timeoutMs = 0;
        if (!_wakeArmed && !_retiring) ArmWake();
        RearmStarved();
        // What did not fit waits for the next turn: this one must not block with it left aside.
        if (MoveOverflow()) timeoutMs = 0;
        // A turn that does not wait enters only when the kernel has something for it: the executors take one every
        // 61 polls, and an enter that finds nothing was ~8 % of a yield loop.
        if (timeoutMs != 0)
        {
            SubmitAndWait(timeoutMs, BatchSize());
            // DEFER_TASKRUN: the wait ran the completion work of only as many completions as it waited for (the kernel
            // runs at most max(20, wanted) per enter, IO_LOCAL_TW_DEFAULT_MAX); the rest is run now, not a turn later.
            if (_ring.SingleIssuer) SubmitAndWait(0);
        }
        else if (_ring.NeedsEnter) SubmitAndWait(0);
        else _skippedEnters++; // only the parking thread writes it (one at a time)
        Interlocked.Increment(ref _waitCount);
        _driver.AdvanceTick();
        CoarseClock.Advance(); // completion wakes (in Reap) are stamped with the time after the wait
        // A work-stealing worker's own ring is not bounded: its turn shares a large backlog with the other workers
        // (the backlog rule of src/Runtime/Executors/WorkStealing/README.md), which a bound would hide from it.
        int completions = ReapAtMost(_workerRing ? int.MaxValue : MaxCompletionsPerPark);
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

    /// <summary>
    /// How many completions a waiting park asks for: 1, or on a batched ring one per
    /// <see cref="RequestsPerBatchedCompletion"/> requests in flight here. With DEFER_TASKRUN the kernel wakes the
    /// waiter when that many completions' work is pending (polled receives queue it lazily), or after
    /// <see cref="MinWaitUsec"/> with whatever arrived: one wake-up per batch instead of one per completion.
    /// </summary>
    private uint BatchSize() => _batched ? Math.Clamp(_ring.Outstanding / RequestsPerBatchedCompletion, 1u, MaxBatch) : 1u;

    /// <summary>io_uring_enter that submits and waits; ETIME and EINTR end it, a CQ short of room is reaped first.</summary>
    public int SubmitAndWait(int timeoutMs, uint batch = 1)
    {
        // A turn that does not wait asks a DEFER_TASKRUN ring for every completion it could hold, with a zero timeout:
        // the kernel runs completion work for up to that many (for 0 it runs at most 20) and returns (ETIME).
        uint minComplete = timeoutMs == 0 ? (_ring.SingleIssuer ? _ring.CqEntries : 0u) : batch;
        if (timeoutMs != 0 && minComplete > 1) Volatile.Write(ref _batchedWaits, _batchedWaits + 1); // only the parking thread writes it
        for (int attempt = 0; ; attempt++)
        {
            int result = _ring.Enter(minComplete, IoUringNative.EnterGetEvents, timeoutMs, timeoutMs != 0 && minComplete > 1 ? MinWaitUsec : 0);
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

    /// <summary>
    /// Completions one <see cref="Park"/> of a ring that is not a worker's (a LocalExecutor's, the shared one) dispatches
    /// at most: 64, about 32 round trips of a request-response protocol
    /// (a receive's completion wakes its reader, a send's usually nobody), as many wakes as the epoll driver's 32
    /// events per wait and fewer than an executor batch polls from the driver queue (<c>LocalExecutor.DriverShare</c>,
    /// 54), so every task one park wakes is polled before the next park. The rest stay in the CQ, and the next park
    /// takes them without waiting.
    /// </summary>
    /// <remarks>
    /// Why a bound: at 1,000 connections one enter runs the receive work of hundreds of sockets, and a park that
    /// dispatched them all queued hundreds of tasks; each task then ran hundreds of other tasks after its completion
    /// touched its registration, which had left the cache by then (the poll's first read of it,
    /// <c>registration.Driver</c> in <c>IoOperation.TryBeginPoll</c>, was 85 % of that method's samples). Bounded,
    /// what the dispatch touched is still cached when the task runs, as with epoll's event buffer
    /// (<c>EpollDriver.DefaultEventCapacity</c>).
    /// </remarks>
    internal const int MaxCompletionsPerPark = 64;

    /// <summary>Parking thread (or the driver's shutdown): dispatches every completion in the CQ.</summary>
    public int Reap() => ReapAtMost(int.MaxValue);

    /// <summary>Parking thread: dispatches the completions in the CQ, at most <paramref name="max"/>.</summary>
    private int ReapAtMost(int max)
    {
        int count = 0;
        while (true)
        {
            while (count < max && _ring.TryReapOne(out var cqe))
            {
                count++;
                // At 1,000 connections each completion's registration was last touched a thousand requests ago, and
                // the first touch (IoUringDriver.Find) was 1.8 % of the server's samples: fetch the one after next
                // while this one is dispatched, and the objects of the next one, whose registration is there by now.
                if (_ring.TryPeekUserData(PrefetchDistance, out ulong next)) _driver.Prefetch(next);
                if (_ring.TryPeekUserData(0, out ulong following)) _driver.PrefetchDependents(following);
                Dispatch(cqe);
            }
            _ring.PublishCqHead();
            if (!_ring.CqOverflowed) return count;
            // NODROP kept the completions that did not fit: an enter moves them into the room just made.
            Interlocked.Increment(ref _cqOverflows);
            _ring.Enter(0, IoUringNative.EnterGetEvents, 0);
            if (count >= max) return count; // the next park takes them
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

    /// <inheritdoc/>
    public bool HasCompletionWork => _ring.HasCompletionWork;

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
    public IoUringInstance QueueCancel(ulong token) => Queue(new Sqe
    {
        Opcode = IoUringNative.OpAsyncCancel,
        Addr = token,
        UserData = CompletionToken.Make(0, 0, OperationKind.Cancel),
    });

    /// <summary>Shutdown: cancels every request in flight here (their completions follow).</summary>
    public void CancelEverything() => Queue(CancelEverythingSqe);

    private static Sqe CancelEverythingSqe => new()
    {
        Opcode = IoUringNative.OpAsyncCancel,
        OpFlags = IoUringNative.CancelAny | IoUringNative.CancelAll,
        UserData = CompletionToken.Make(0, 0, OperationKind.Cancel),
    };

    /// <summary>1 while the eventfd read is armed (the driver's shutdown drain counts it).</summary>
    public int WakeInFlight => _wakeArmed ? 1 : 0;

    /// <summary>Closes the ring and the eventfd; the buffers are freed separately (<see cref="FreeMemory"/>), once nothing is in flight.</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, true);
        Volatile.Write(ref _filesInstalled, 0); // the file table goes with the ring
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
