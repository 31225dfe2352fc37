using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// One io_uring instance: its fd, the mapped submission and completion rings, and the submission lock.
/// </summary>
/// <remarks>
/// <para><b>Submission</b> (any thread): <see cref="TryQueue"/> writes an SQE under <c>_sqLock</c> and publishes the
/// tail with a release store. Nothing is submitted until someone calls <see cref="Enter"/>; how many SQEs wait is
/// always <c>tail − kernel head</c>, so two threads entering at once each submit what is there and nothing twice.</para>
/// <para><b>Completion</b> (the parking thread only): <see cref="TryReapOne"/> reads the CQE at our head, which the
/// kernel published with a release store of its tail; <see cref="PublishCqHead"/> hands the slots back.</para>
/// </remarks>
internal sealed unsafe class IoUringRing : IDisposable
{
    private readonly FileDescriptorHandle _fd;
    private readonly byte* _rings;
    private readonly nuint _ringsSize;
    private readonly Sqe* _sqes;
    private readonly nuint _sqesSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint* _sqFlags;
    private readonly bool _flagsPendingWork; // IORING_SETUP_TASKRUN_FLAG took: IORING_SQ_TASKRUN is kept up to date
    private readonly uint _sqMask;
    private readonly uint _sqEntries;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly Cqe* _cqes;
    private readonly Lock _sqLock = new();
    private uint _sqTailLocal;   // guarded by _sqLock
    private uint _cqHeadLocal;   // the parking thread's
    private uint _finals;        // the parking thread's: completions that were a request's last (no IORING_CQE_F_MORE)
    private bool _closedToNew;   // guarded by _sqLock: a retiring worker ring takes no more SQEs
    private uint _enterSeq;      // odd while an enter that may read SQEs below _enterTail runs (written under _sqLock)
    private uint _enterTail;     // guarded by _sqLock: the SQ tail the running enter submits up to

    private IoUringRing(int fd, in IoUringParams p, byte* rings, nuint ringsSize, Sqe* sqes, nuint sqesSize)
    {
        _fd = new FileDescriptorHandle(fd);
        _rings = rings;
        _ringsSize = ringsSize;
        _sqes = sqes;
        _sqesSize = sqesSize;
        _sqHead = (uint*)(rings + p.SqOff.Head);
        _sqTail = (uint*)(rings + p.SqOff.Tail);
        _sqFlags = (uint*)(rings + p.SqOff.Flags);
        _flagsPendingWork = (p.Flags & IoUringNative.SetupTaskrunFlag) != 0;
        _sqMask = *(uint*)(rings + p.SqOff.RingMask);
        _sqEntries = *(uint*)(rings + p.SqOff.RingEntries);
        _cqHead = (uint*)(rings + p.CqOff.Head);
        _cqTail = (uint*)(rings + p.CqOff.Tail);
        _cqMask = *(uint*)(rings + p.CqOff.RingMask);
        CqEntries = *(uint*)(rings + p.CqOff.RingEntries);
        _cqes = (Cqe*)(rings + p.CqOff.Cqes);
        // SQEs are used in ring order, so the indirection array is the identity, written once.
        uint* array = (uint*)(rings + p.SqOff.Array);
        for (uint i = 0; i < _sqEntries; i++) array[i] = i;
        _sqTailLocal = *_sqTail;
        _cqHeadLocal = *_cqHead;
        SingleIssuer = (p.Flags & IoUringNative.SetupDeferTaskrun) != 0;
        _disabled = (p.Flags & IoUringNative.SetupRDisabled) != 0;
        MinWaitSupported = (p.Features & IoUringNative.FeatMinTimeout) != 0;
    }

    private bool _disabled;

    /// <summary>
    /// Created with IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN (and R_DISABLED until <see cref="Enable"/>): only the
    /// thread that enabled it may enter it, and the kernel runs its completion work only when that thread waits.
    /// </summary>
    public bool SingleIssuer { get; }

    /// <summary>CQ entries (the most completions one enter can be asked to make ready).</summary>
    public uint CqEntries { get; }

    /// <summary>The kernel takes a minimum batch wait (<c>min_wait_usec</c>, IORING_FEAT_MIN_TIMEOUT, 6.12).</summary>
    public bool MinWaitSupported { get; }

    /// <summary>
    /// Enables a ring created disabled, from the thread that is to be its single issuer. Returns 0 or the errno.
    /// Idempotent for that thread.
    /// </summary>
    public int Enable()
    {
        if (!_disabled) return 0;
        int result = IoUringNative.Register(_fd.Fd, IoUringNative.RegisterEnableRings, null, 0);
        if (result < 0) return Marshal.GetLastPInvokeError();
        _disabled = false;
        return 0;
    }

    /// <summary>
    /// Requests queued here whose last completion has not been reaped yet (the parking thread's view): every SQE ends
    /// with exactly one completion without IORING_CQE_F_MORE. The SQ tail counts SQEs, <c>_finals</c> those ends.
    /// </summary>
    public uint Outstanding => Volatile.Read(ref _sqTailLocal) - _finals;

    /// <summary>The ring's fd, for io_uring_register and io_uring_enter.</summary>
    public FileDescriptorHandle Fd => _fd;

    /// <summary>True when the kernel holds completions that did not fit in the CQ (IORING_SQ_CQ_OVERFLOW).</summary>
    public bool CqOverflowed => (Volatile.Read(ref *_sqFlags) & IoUringNative.SqCqOverflow) != 0;

    /// <summary>
    /// True when a turn that does not wait still has to enter the kernel: SQEs wait to be submitted, completions wait
    /// in the overflow list, or completion work waits for our next enter (IORING_SQ_TASKRUN, kept by the kernel only
    /// when IORING_SETUP_TASKRUN_FLAG took; before 5.19 nothing says so, and every turn enters). Otherwise every
    /// completion is already in the CQ and reading it needs no syscall (liburing's peek does the same).
    /// </summary>
    public bool NeedsEnter =>
        HasUnsubmitted
        || !_flagsPendingWork
        || (Volatile.Read(ref *_sqFlags) & (IoUringNative.SqTaskrun | IoUringNative.SqCqOverflow)) != 0;

    /// <summary>
    /// True when a turn that does not wait would dispatch completions (the parking thread's view, no syscall): the CQ
    /// holds some, or completion work waits for our next enter (IORING_SQ_TASKRUN; before 5.19 nothing says so, and
    /// only the CQ is looked at).
    /// </summary>
    public bool HasCompletionWork =>
        _cqHeadLocal != Volatile.Read(ref *_cqTail)
        || (_flagsPendingWork && (Volatile.Read(ref *_sqFlags) & (IoUringNative.SqTaskrun | IoUringNative.SqCqOverflow)) != 0);

    /// <summary>SQEs written but not yet consumed by the kernel.</summary>
    public uint Unsubmitted
    {
        get
        {
            lock (_sqLock) return _sqTailLocal - Volatile.Read(ref *_sqHead);
        }
    }

    /// <summary>
    /// True when SQEs wait for an enter. Lock-free: a thread always sees the tail its own <see cref="TryQueue"/>
    /// published, and the kernel's head only grows, so a stale head costs at most one enter that submits nothing.
    /// </summary>
    public bool HasUnsubmitted => Volatile.Read(ref *_sqTail) != Volatile.Read(ref *_sqHead);

    /// <summary>
    /// True when an SQE not yet consumed by the kernel names <paramref name="fd"/> (cancels, which name a request, are
    /// skipped). Any thread; a stale kernel head only makes it look at an SQE already consumed, so at worst it answers
    /// true for nothing and the caller enters once more.
    /// </summary>
    /// <param name="fd">The fd.</param>
    /// <param name="fileIndex">Also true for an SQE naming this entry of the file table (IOSQE_FIXED_FILE); -1: not.</param>
    public bool HasUnsubmittedNaming(int fd, int fileIndex = -1)
    {
        lock (_sqLock)
        {
            for (uint position = Volatile.Read(ref *_sqHead); position != _sqTailLocal; position++)
            {
                Sqe* sqe = _sqes + (position & _sqMask);
                if (Names(*sqe, fd) || (fileIndex >= 0 && NamesEntry(*sqe, fileIndex))) return true;
            }
            return false;
        }
    }

    /// <summary>
    /// Points every unsubmitted SQE that names <paramref name="fd"/> (about to close) at <paramref name="replacement"/>
    /// instead: a duplicate the caller keeps open until the requests' last completions, or −1 (the requests then fail
    /// with EBADF). Returns false when nothing named it. <paramref name="waitBelow"/> is set when the ring's issuer is
    /// inside an enter that may already have read one of those SQEs with the old number (the kernel reads an SQE's
    /// fd, then resolves it, in the same submit): the caller must not let the fd close until <see cref="EnterPassed"/>
    /// says that enter's submit is over (<paramref name="enterSeq"/> names it).
    /// </summary>
    public bool Retarget(int fd, int replacement, out bool waitBelow, out uint enterSeq, out uint lastPosition)
    {
        lock (_sqLock)
        {
            bool found = false;
            waitBelow = false;
            lastPosition = 0;
            uint head = Volatile.Read(ref *_sqHead);
            enterSeq = _enterSeq;
            bool entering = (enterSeq & 1) != 0;
            for (uint position = head; position != _sqTailLocal; position++)
            {
                Sqe* sqe = _sqes + (position & _sqMask);
                if (!Names(*sqe, fd)) continue;
                Volatile.Write(ref sqe->Fd, replacement); // one aligned 4-byte store: the kernel reads the old or the new number, both open
                found = true;
                if (entering && position - head < _enterTail - head)
                {
                    waitBelow = true;
                    lastPosition = position;
                }
            }
            return found;
        }
    }

    /// <summary>
    /// True when <paramref name="sqe"/> names the fd <paramref name="fd"/>: not a cancel (which names a request) and
    /// not an entry of the file table (IOSQE_FIXED_FILE: its fd field is an index, and the entry holds the socket
    /// until the registration's last completion, whatever happens to the fd).
    /// </summary>
    public static bool Names(in Sqe sqe, int fd) =>
        sqe.Fd == fd && sqe.Opcode != IoUringNative.OpAsyncCancel && (sqe.Flags & IoUringNative.SqeFixedFile) == 0;

    /// <summary>True when <paramref name="sqe"/> names entry <paramref name="fileIndex"/> of the ring's file table (IOSQE_FIXED_FILE).</summary>
    public static bool NamesEntry(in Sqe sqe, int fileIndex) =>
        sqe.Fd == fileIndex && (sqe.Flags & IoUringNative.SqeFixedFile) != 0;

    /// <summary>
    /// After <see cref="Retarget"/> asked to wait: true once the enter it saw has returned (<paramref name="enterSeq"/>
    /// moved on) or the kernel consumed the SQE at <paramref name="lastPosition"/> (its submit, where the number is
    /// read and resolved in one go, is over).
    /// </summary>
    public bool EnterPassed(uint enterSeq, uint lastPosition) =>
        Volatile.Read(ref _enterSeq) != enterSeq || (int)(Volatile.Read(ref *_sqHead) - lastPosition) > 0;

    /// <summary>
    /// Creates a ring of <paramref name="entries"/> SQEs and <paramref name="cqEntries"/> CQEs. Returns 0, or the errno
    /// that says why io_uring is unavailable (ENOSYS: no io_uring; EPERM: seccomp or io_uring_disabled = 2;
    /// EINVAL: a flag or feature this kernel lacks).
    /// </summary>
    /// <param name="entries">SQ entries.</param>
    /// <param name="cqEntries">CQ entries.</param>
    /// <param name="refuseOptionalFlags">Tests: behave as a kernel before 5.19 that refuses the optional flags.</param>
    /// <param name="ring">The ring, when 0 is returned.</param>
    /// <param name="withoutOptionalFlags">True when the kernel refused SUBMIT_ALL / COOP_TASKRUN / TASKRUN_FLAG and the
    /// ring runs without them (the caller reports it: completion work then interrupts the submitter, and every
    /// non-waiting turn enters the kernel).</param>
    /// <param name="singleIssuer">A worker's ring: first asks for IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN |
    /// R_DISABLED (enabled later by its worker, <see cref="Enable"/>).</param>
    /// <param name="refuseSingleIssuer">Tests: behave as a kernel before 6.1 that refuses those.</param>
    /// <param name="withoutSingleIssuer">True when they were asked for and refused: the ring is created as the
    /// others are (the caller reports it).</param>
    public static int TryCreate(uint entries, uint cqEntries, bool refuseOptionalFlags, bool singleIssuer, bool refuseSingleIssuer,
        out IoUringRing? ring, out bool withoutOptionalFlags, out bool withoutSingleIssuer)
    {
        ring = null;
        withoutOptionalFlags = false;
        withoutSingleIssuer = false;
        IoUringParams p = default;
        const uint Optional = IoUringNative.SetupSubmitAll | IoUringNative.SetupCoopTaskrun | IoUringNative.SetupTaskrunFlag;
        const uint Single = IoUringNative.SetupSingleIssuer | IoUringNative.SetupDeferTaskrun | IoUringNative.SetupRDisabled;
        int fd = -1;
        withoutSingleIssuer = singleIssuer && refuseOptionalFlags; // a kernel before 5.19 has none of them either
        if (singleIssuer && !refuseOptionalFlags)
        {
            p.CqEntries = cqEntries;
            p.Flags = IoUringNative.SetupCqSize | Optional | Single;
            fd = refuseSingleIssuer ? -1 : IoUringNative.Setup(entries, &p);
            if (fd < 0 && !refuseSingleIssuer && Marshal.GetLastPInvokeError() != IoUringNative.EINVAL) return Marshal.GetLastPInvokeError();
            withoutSingleIssuer = fd < 0;
        }
        if (fd < 0)
        {
            p = default;
            p.CqEntries = cqEntries;
            p.Flags = IoUringNative.SetupCqSize | Optional;
            fd = refuseOptionalFlags ? -1 : IoUringNative.Setup(entries, &p);
        }
        if (fd < 0 && (refuseOptionalFlags || Marshal.GetLastPInvokeError() == IoUringNative.EINVAL))
        {
            // Kernels before 5.19 reject SUBMIT_ALL/COOP_TASKRUN/TASKRUN_FLAG: optimisations, not requirements.
            withoutOptionalFlags = true;
            p = default;
            p.CqEntries = cqEntries;
            p.Flags = IoUringNative.SetupCqSize;
            fd = IoUringNative.Setup(entries, &p);
        }
        if (fd < 0) return Marshal.GetLastPInvokeError();
        const uint Required = IoUringNative.FeatSingleMmap | IoUringNative.FeatNoDrop | IoUringNative.FeatExtArg;
        if ((p.Features & Required) != Required)
        {
            Libc.close(fd);
            return IoUringNative.EINVAL;
        }
        nuint sqSize = p.SqOff.Array + p.SqEntries * sizeof(uint);
        nuint cqSize = p.CqOff.Cqes + p.CqEntries * (uint)sizeof(Cqe);
        nuint ringsSize = Math.Max(sqSize, cqSize);
        byte* rings = IoUringNative.MapRing(fd, ringsSize, IoUringNative.OffSqRing);
        if (rings == null)
        {
            int errno = Marshal.GetLastPInvokeError();
            Libc.close(fd);
            return errno;
        }
        nuint sqesSize = p.SqEntries * (uint)sizeof(Sqe);
        var sqes = (Sqe*)IoUringNative.MapRing(fd, sqesSize, IoUringNative.OffSqes);
        if (sqes == null)
        {
            int errno = Marshal.GetLastPInvokeError();
            IoUringNative.munmap(rings, ringsSize);
            Libc.close(fd);
            return errno;
        }
        ring = new IoUringRing(fd, p, rings, ringsSize, sqes, sqesSize);
        return 0;
    }

    /// <summary>
    /// Writes <paramref name="sqe"/> into the next SQ slot and publishes it. False when the SQ is
    /// full: the caller enters to submit and tries again.
    /// </summary>
    public QueueResult TryQueue(in Sqe sqe)
    {
        lock (_sqLock)
        {
            if (_closedToNew) return QueueResult.Closed;
            return Write(sqe) ? QueueResult.Queued : QueueResult.Full;
        }
    }

    /// <summary>
    /// A retiring worker ring's last SQE (a cancel of everything): queued, and from then on the ring takes no more
    /// (<see cref="QueueResult.Closed"/>), so nothing can arm behind the cancel. False when the SQ is full.
    /// </summary>
    public bool TryQueueLast(in Sqe sqe)
    {
        lock (_sqLock)
        {
            if (!Write(sqe)) return false;
            _closedToNew = true;
            return true;
        }
    }

    /// <summary>True (and nothing can be queued any more) once every request queued here has had its last completion reaped.</summary>
    public bool Drained
    {
        get
        {
            lock (_sqLock) return _closedToNew && _sqTailLocal == _finals;
        }
    }

    private bool Write(in Sqe sqe)
    {
        Debug.Assert(_sqLock.IsHeldByCurrentThread);
        if (_sqTailLocal - Volatile.Read(ref *_sqHead) >= _sqEntries) return false;
        Sqe* slot = _sqes + (_sqTailLocal & _sqMask);
        Unsafe.InitBlockUnaligned(slot, 0, (uint)sizeof(Sqe));
        *slot = sqe;
        _sqTailLocal++;
        Volatile.Write(ref *_sqTail, _sqTailLocal); // release: the SQE's bytes before the tail that exposes it
        return true;
    }

    /// <summary>
    /// io_uring_enter: submits every waiting SQE and, with <see cref="IoUringNative.EnterGetEvents"/>, waits for
    /// <paramref name="minComplete"/> completions at most <paramref name="timeoutMs"/> (−1: no limit). Returns the
    /// count submitted, or −errno.
    /// </summary>
    /// <remarks><paramref name="minWaitUsec"/> (only with <see cref="MinWaitSupported"/>, and a
    /// <paramref name="minComplete"/> above 1): after that long the wait settles for the completions it has.</remarks>
    public int Enter(uint minComplete, uint flags, int timeoutMs, uint minWaitUsec = 0)
    {
        bool added = false;
        uint toSubmit;
        lock (_sqLock)
        {
            toSubmit = _sqTailLocal - Volatile.Read(ref *_sqHead);
            // Retarget's view: this enter may read the SQEs below _enterTail until it returns.
            _enterTail = _sqTailLocal;
            _enterSeq++;
        }
        try
        {
            _fd.DangerousAddRef(ref added);
            if ((flags & IoUringNative.EnterGetEvents) == 0 || minComplete == 0 || (timeoutMs < 0 && minWaitUsec == 0))
            {
                int plain = IoUringNative.Enter(_fd.Fd, toSubmit, minComplete, flags, null, 0);
                return plain >= 0 ? plain : -Marshal.GetLastPInvokeError();
            }
            // No deadline and a batch: the kernel ends a min_wait without a general timeout at once when it expires,
            // so the wait gets a long one (a worker that sleeps that long returns and parks again).
            long ms = timeoutMs < 0 ? NoDeadlineBatchWaitMs : timeoutMs;
            KernelTimespec ts = new() { Seconds = ms / 1000, Nanoseconds = ms % 1000 * 1_000_000L };
            GetEventsArg arg = new() { Timespec = (ulong)&ts, MinWaitUsec = minWaitUsec };
            int result = IoUringNative.Enter(_fd.Fd, toSubmit, minComplete, flags | IoUringNative.EnterExtArg, &arg, (nuint)sizeof(GetEventsArg));
            return result >= 0 ? result : -Marshal.GetLastPInvokeError();
        }
        finally
        {
            Volatile.Write(ref _enterSeq, _enterSeq + 1);
            if (added) _fd.DangerousRelease();
        }
    }

    /// <summary>The general timeout of a batched wait without a deadline: 60 s (any long value; the park loop parks again).</summary>
    private const long NoDeadlineBatchWaitMs = 60_000;

    /// <summary>Parking thread: true while the CQ holds a completion not reaped yet (a park that stopped early left it).</summary>
    public bool HasCompletions => _cqHeadLocal != Volatile.Read(ref *_cqTail);

    /// <summary>Parking thread: the next completion, if the kernel published one.</summary>
    public bool TryReapOne(out Cqe cqe)
    {
        if (_cqHeadLocal == Volatile.Read(ref *_cqTail)) // acquire: the CQE's bytes after the tail that exposed it
        {
            cqe = default;
            return false;
        }
        cqe = _cqes[_cqHeadLocal & _cqMask];
        _cqHeadLocal++;
        if ((cqe.Flags & IoUringNative.CqeMore) == 0) _finals++;
        return true;
    }

    /// <summary>
    /// Parking thread: the user data of the completion <paramref name="ahead"/> places after the next one to reap, if
    /// the kernel published it (what <see cref="IoUringInstance.Reap"/> prefetches for).
    /// </summary>
    public bool TryPeekUserData(uint ahead, out ulong userData)
    {
        uint index = _cqHeadLocal + ahead;
        if ((int)(Volatile.Read(ref *_cqTail) - index) <= 0)
        {
            userData = 0;
            return false;
        }
        userData = _cqes[index & _cqMask].UserData;
        return true;
    }

    /// <summary>Parking thread: hands reaped CQ slots back to the kernel.</summary>
    public void PublishCqHead() => Volatile.Write(ref *_cqHead, _cqHeadLocal);

    /// <summary>Unmaps the rings and closes the fd (the kernel cancels whatever is still in flight).</summary>
    public void Dispose()
    {
        Debug.Assert(_rings != null);
        IoUringNative.munmap(_sqes, _sqesSize);
        IoUringNative.munmap(_rings, _ringsSize);
        _fd.Dispose();
    }
}
