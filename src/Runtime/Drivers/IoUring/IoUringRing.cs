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
        _cqes = (Cqe*)(rings + p.CqOff.Cqes);
        // SQEs are used in ring order, so the indirection array is the identity, written once.
        uint* array = (uint*)(rings + p.SqOff.Array);
        for (uint i = 0; i < _sqEntries; i++) array[i] = i;
        _sqTailLocal = *_sqTail;
        _cqHeadLocal = *_cqHead;
    }

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
    public bool HasUnsubmittedNaming(int fd)
    {
        lock (_sqLock)
        {
            for (uint position = Volatile.Read(ref *_sqHead); position != _sqTailLocal; position++)
            {
                Sqe* sqe = _sqes + (position & _sqMask);
                if (sqe->Fd == fd && sqe->Opcode != IoUringNative.OpAsyncCancel) return true;
            }
            return false;
        }
    }

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
    public static int TryCreate(uint entries, uint cqEntries, bool refuseOptionalFlags, out IoUringRing? ring, out bool withoutOptionalFlags)
    {
        ring = null;
        withoutOptionalFlags = false;
        IoUringParams p = default;
        p.CqEntries = cqEntries;
        p.Flags = IoUringNative.SetupCqSize | IoUringNative.SetupSubmitAll | IoUringNative.SetupCoopTaskrun
            | IoUringNative.SetupTaskrunFlag;
        int fd = refuseOptionalFlags ? -1 : IoUringNative.Setup(entries, &p);
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
    public bool TryQueue(in Sqe sqe)
    {
        lock (_sqLock)
        {
            if (_sqTailLocal - Volatile.Read(ref *_sqHead) >= _sqEntries) return false;
            Sqe* slot = _sqes + (_sqTailLocal & _sqMask);
            Unsafe.InitBlockUnaligned(slot, 0, (uint)sizeof(Sqe));
            *slot = sqe;
            _sqTailLocal++;
            Volatile.Write(ref *_sqTail, _sqTailLocal); // release: the SQE's bytes before the tail that exposes it
            return true;
        }
    }

    /// <summary>
    /// io_uring_enter: submits every waiting SQE and, with <see cref="IoUringNative.EnterGetEvents"/>, waits for
    /// <paramref name="minComplete"/> completions at most <paramref name="timeoutMs"/> (−1: no limit). Returns the
    /// count submitted, or −errno.
    /// </summary>
    public int Enter(uint minComplete, uint flags, int timeoutMs)
    {
        bool added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            uint toSubmit = Unsubmitted;
            if (timeoutMs < 0 || (flags & IoUringNative.EnterGetEvents) == 0 || minComplete == 0)
            {
                int plain = IoUringNative.Enter(_fd.Fd, toSubmit, minComplete, flags, null, 0);
                return plain >= 0 ? plain : -Marshal.GetLastPInvokeError();
            }
            KernelTimespec ts = new() { Seconds = timeoutMs / 1000, Nanoseconds = (timeoutMs % 1000) * 1_000_000L };
            GetEventsArg arg = new() { Timespec = (ulong)&ts };
            int result = IoUringNative.Enter(_fd.Fd, toSubmit, minComplete, flags | IoUringNative.EnterExtArg, &arg, (nuint)sizeof(GetEventsArg));
            return result >= 0 ? result : -Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

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
