using System.Runtime.InteropServices;

namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// The io_uring system calls, through libc's <c>syscall</c> (glibc has no wrappers), and the kernel ABI constants
/// the driver uses. Values from <c>include/uapi/linux/io_uring.h</c> (6.x); syscall numbers 425–427 are the same
/// on x86-64 and arm64 (io_uring came after the unified syscall table).
/// </summary>
internal static unsafe partial class IoUringNative
{
    private const long SysSetup = 425;
    private const long SysEnter = 426;
    private const long SysRegister = 427;

    // io_uring_setup flags.
    public const uint SetupCqSize = 1u << 3;          // IORING_SETUP_CQSIZE: cq_entries is ours
    public const uint SetupRDisabled = 1u << 6;       // IORING_SETUP_R_DISABLED: created disabled, enabled by IORING_REGISTER_ENABLE_RINGS (5.10)
    public const uint SetupSubmitAll = 1u << 7;       // IORING_SETUP_SUBMIT_ALL: one bad SQE does not stop the batch (5.18)
    public const uint SetupCoopTaskrun = 1u << 8;     // IORING_SETUP_COOP_TASKRUN: no IPI, completions run at our next enter (5.19)
    public const uint SetupTaskrunFlag = 1u << 9;     // IORING_SETUP_TASKRUN_FLAG: IORING_SQ_TASKRUN says such work waits (5.19)
    public const uint SetupSingleIssuer = 1u << 12;   // IORING_SETUP_SINGLE_ISSUER: one task submits; others get EEXIST (6.0)
    public const uint SetupDeferTaskrun = 1u << 13;   // IORING_SETUP_DEFER_TASKRUN: completion work runs only when the issuer waits (6.1)

    // io_uring_params.features we require.
    public const uint FeatSingleMmap = 1u << 0;       // 5.4: SQ and CQ rings share one mapping
    public const uint FeatNoDrop = 1u << 1;           // 5.5: CQ overflow is kept by the kernel, not dropped
    public const uint FeatExtArg = 1u << 8;           // 5.11: io_uring_enter takes a timeout (IORING_ENTER_EXT_ARG)
    public const uint FeatMinTimeout = 1u << 15;      // 6.12: io_uring_getevents_arg.min_wait_usec (IORING_FEAT_MIN_TIMEOUT)

    // io_uring_enter flags.
    public const uint EnterGetEvents = 1u << 0;
    public const uint EnterExtArg = 1u << 3;

    // mmap offsets.
    public const long OffSqRing = 0;
    public const long OffSqes = 0x10000000;

    // SQ ring flags.
    public const uint SqCqOverflow = 1u << 1;         // IORING_SQ_CQ_OVERFLOW: completions wait in the kernel's overflow list
    public const uint SqTaskrun = 1u << 2;            // IORING_SQ_TASKRUN: completion work waits for our next enter

    // Opcodes (enum io_uring_op).
    public const byte OpPollAdd = 6;
    public const byte OpAccept = 13;
    public const byte OpAsyncCancel = 14;
    public const byte OpRead = 22;
    public const byte OpSend = 26;
    public const byte OpRecv = 27;

    // Async cancel flags.
    public const uint CancelAll = 1u << 0;            // IORING_ASYNC_CANCEL_ALL: every match, not the first
    public const uint CancelAny = 1u << 2;            // IORING_ASYNC_CANCEL_ANY: match any request

    // SQE flags and per-opcode flags.
    public const byte SqeFixedFile = 1 << 0;          // IOSQE_FIXED_FILE: sqe.fd is an index into the ring's file table
    public const byte SqeBufferSelect = 1 << 5;       // IOSQE_BUFFER_SELECT: take a buffer from sqe.buf_group
    public const ushort RecvMultishot = 1 << 1;       // IORING_RECV_MULTISHOT, in sqe.ioprio (6.0)
    public const ushort AcceptMultishot = 1 << 0;     // IORING_ACCEPT_MULTISHOT, in sqe.ioprio (5.19)

    // CQE flags.
    public const uint CqeBuffer = 1u << 0;            // IORING_CQE_F_BUFFER: upper 16 bits are the buffer id
    public const uint CqeMore = 1u << 1;              // IORING_CQE_F_MORE: the multishot request stays armed
    public const int CqeBufferShift = 16;

    // io_uring_register opcodes.
    public const uint RegisterPbufRing = 22;          // IORING_REGISTER_PBUF_RING (5.19)
    public const uint RegisterEnableRings = 12;
    public const uint RegisterFilesUpdate = 6;        // IORING_REGISTER_FILES_UPDATE (5.5): sets entries of the file table (-1 clears one)
    public const uint RegisterFiles2 = 13;            // IORING_REGISTER_FILES2 (5.13): a file table described by io_uring_rsrc_register
    public const uint RsrcRegisterSparse = 1u << 0;   // IORING_RSRC_REGISTER_SPARSE (5.19): the table starts empty       // IORING_REGISTER_ENABLE_RINGS (5.10): the caller becomes a SINGLE_ISSUER ring's issuer

    // poll(2) bits (same values as epoll's, so ReadyExtensions.FromEpoll translates them).
    public const uint PollIn = 0x001;
    public const uint PollOut = 0x004;
    public const uint PollRdHup = 0x2000;

    // send/recv flags (bits/socket.h).
    public const uint MsgWaitAll = 0x100;             // io_uring retries a short send itself (5.18+): one SQE sends all
    public const uint MsgNoSignal = 0x4000;           // EPIPE instead of SIGPIPE

    public const int SockCloexec = 0x80000;           // accept4 flags: = O_CLOEXEC

    // errno values (asm-generic/errno*.h).
    public const int EPERM = 1;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;
    public const int ETIME = 62;
    public const int ENOBUFS = 105;
    public const int ECANCELED = 125;

    // mmap.
    private const int ProtRead = 1, ProtWrite = 2;
    private const int MapShared = 0x01, MapPrivate = 0x02, MapAnonymous = 0x20, MapNoReserve = 0x4000, MapPopulate = 0x8000;

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int munmap(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);

    private const int MadvHugePage = 14, MadvCollapse = 25;

    /// <summary>Transparent huge pages' size on x64 and arm64 (with 4 KiB base pages).</summary>
    public const nuint HugePageSize = 2 * 1024 * 1024;

    /// <summary>
    /// Reserves <paramref name="length"/> bytes of anonymous memory, committed page by page as it is first touched;
    /// null when the address space is refused.
    /// </summary>
    public static byte* ReserveMemory(nuint length)
    {
        void* address = mmap(null, length, ProtRead | ProtWrite, MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
        return address == (void*)-1 ? null : (byte*)address;
    }

    /// <summary>
    /// Asks for transparent huge pages (MADV_HUGEPAGE) over <paramref name="length"/> bytes from
    /// <paramref name="address"/> (2 MiB aligned), then for the huge pages holding the first <paramref name="populated"/>
    /// bytes, already backed by small pages, to be collapsed now (MADV_COLLAPSE, Linux 6.1; best effort: the kernel
    /// collapses only whole huge pages, so the length is rounded up). False when the advice is refused (THP disabled,
    /// or a kernel without it).
    /// </summary>
    public static bool AdviseHugePages(byte* address, nuint length, nuint populated)
    {
        if (madvise(address, length, MadvHugePage) != 0) return false;
        nuint whole = (populated + HugePageSize - 1) & ~(HugePageSize - 1);
        if (whole > 0) _ = madvise(address, Math.Min(whole, length), MadvCollapse);
        return true;
    }

    /// <summary>io_uring_setup: the ring's fd, or -1 with errno.</summary>
    public static int Setup(uint entries, IoUringParams* parameters) =>
        (int)syscall(SysSetup, entries, (long)parameters, 0, 0, 0, 0);

    /// <summary>io_uring_enter: SQEs consumed, or -1 with errno.</summary>
    public static int Enter(int ringFd, uint toSubmit, uint minComplete, uint flags, void* argument, nuint argumentSize) =>
        (int)syscall(SysEnter, ringFd, toSubmit, minComplete, flags, (long)argument, (long)argumentSize);

    /// <summary>io_uring_register: 0 (or a result), or -1 with errno.</summary>
    public static int Register(int ringFd, uint opcode, void* argument, uint count) =>
        (int)syscall(SysRegister, ringFd, opcode, (long)argument, count, 0, 0);

    /// <summary>Maps <paramref name="length"/> bytes of the ring at <paramref name="offset"/>; null with errno on failure.</summary>
    public static byte* MapRing(int ringFd, nuint length, long offset)
    {
        void* address = mmap(null, length, ProtRead | ProtWrite, MapShared | MapPopulate, ringFd, offset);
        return address == (void*)-1 ? null : (byte*)address;
    }
}

/// <summary><c>struct io_uring_params</c> (120 bytes): what setup is asked for and what the kernel answers.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoUringParams
{
    public uint SqEntries;
    public uint CqEntries;
    public uint Flags;
    public uint SqThreadCpu;
    public uint SqThreadIdle;
    public uint Features;
    public uint WqFd;
    public uint Reserved0, Reserved1, Reserved2;
    public SqRingOffsets SqOff;
    public CqRingOffsets CqOff;
}

/// <summary><c>struct io_sqring_offsets</c>: where the SQ ring's fields lie in its mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SqRingOffsets
{
    public uint Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Reserved1;
    public ulong UserAddress;
}

/// <summary><c>struct io_cqring_offsets</c>: where the CQ ring's fields lie in its mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CqRingOffsets
{
    public uint Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Reserved1;
    public ulong UserAddress;
}

/// <summary><c>struct io_uring_sqe</c> (64 bytes), the fields this driver uses.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct Sqe
{
    [FieldOffset(0)] public byte Opcode;
    [FieldOffset(1)] public byte Flags;
    [FieldOffset(2)] public ushort IoPrio;
    [FieldOffset(4)] public int Fd;
    [FieldOffset(8)] public ulong Off;
    [FieldOffset(16)] public ulong Addr;
    [FieldOffset(24)] public uint Len;
    [FieldOffset(28)] public uint OpFlags;     // msg_flags, poll32_events, accept_flags, cancel_flags
    [FieldOffset(32)] public ulong UserData;
    [FieldOffset(40)] public ushort BufGroup;
    [FieldOffset(44)] public uint OptLen;      // multishot recv: bytes after which it ends (6.17, "multishot receive len cap")
}

/// <summary><c>struct io_uring_cqe</c> (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Cqe
{
    public ulong UserData;
    public int Res;
    public uint Flags;
}

/// <summary><c>struct io_uring_getevents_arg</c>: the wait's timeout for IORING_ENTER_EXT_ARG.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GetEventsArg
{
    public ulong SigMask;
    public uint SigMaskSize;
    public uint MinWaitUsec;   // "pad" before 6.12; with IORING_FEAT_MIN_TIMEOUT, how long to wait for the batch before settling for one
    public ulong Timespec;
}

/// <summary><c>struct __kernel_timespec</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KernelTimespec
{
    public long Seconds;
    public long Nanoseconds;
}

/// <summary><c>struct io_uring_buf_reg</c> (40 bytes): registers a provided-buffer ring.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BufferRingRegistration
{
    public ulong RingAddress;
    public uint RingEntries;
    public ushort GroupId;
    public ushort Pad;
    public ulong Reserved0, Reserved1, Reserved2;
}

/// <summary><c>struct io_uring_rsrc_register</c> (IORING_REGISTER_FILES2's argument; nr_args is its size, 32).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RsrcRegister
{
    public uint Count;
    public uint Flags;
    public ulong Reserved;
    public ulong Data;
    public ulong Tags;
}

/// <summary><c>struct io_uring_files_update</c> (IORING_REGISTER_FILES_UPDATE's argument; nr_args is the fd count).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FilesUpdate
{
    public uint Offset;
    public uint Reserved;
    public ulong Fds;
}
