using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// A provided-buffer ring (IORING_REGISTER_PBUF_RING, 5.19): up to <see cref="Count"/> buffers of
/// <see cref="BufferSize"/> bytes that the kernel picks from when a multishot receive has data, so no buffer is
/// committed to a socket before its bytes arrive (tokio-uring's and monoio's buf_ring).
/// </summary>
/// <remarks>
/// <para>The ring is ours to produce into (the tail) and the kernel's to consume (its head is private). A buffer id
/// comes back to us in a CQE (<c>IORING_CQE_F_BUFFER</c>); the registration that received it lends its bytes to
/// readers and returns the id through <see cref="Recycle"/> once every byte was copied out. Recycling may happen on
/// any thread (the reader's), so the tail is advanced under <c>_lock</c>. <see cref="Available"/> counts ids in the
/// ring: when it is 0 a multishot receive ends with ENOBUFS and waits for recycling to re-arm (the owning instance's
/// starved list; <see cref="Recycle"/> reports the return from 0 so a reader on another worker can wake that ring).
/// <see cref="Dispose"/> and <see cref="Recycle"/> are ordered by <c>_lock</c>: a recycle after the memory was freed
/// (a socket that outlived its driver, deregistered later) writes nothing.</para>
/// <para><b>Growth.</b> The ring has room for <see cref="Count"/> ids, but its buffers are allocated
/// <see cref="SegmentBuffers"/> at a time as receives need them, starting with <see cref="InitialBuffers"/>
/// (<see cref="Populated"/>): the kernel needs about one buffer per socket whose bytes arrived since the last reap,
/// so a ring serving a few connections stays at 512 KiB where every ring used to take 4 MiB (a work-stealing executor
/// has one ring per worker), and a ring serving 1,000 grows to what they use. It grows when fewer than a quarter of
/// its buffers are left in the ring after a completion took one (<see cref="Taken"/>) and whenever a receive ran it
/// dry (<see cref="Grow"/>, on ENOBUFS), and never shrinks: a ring that served a burst once keeps the memory, as a
/// pool would. Recycled buffers go back to the tail, so the kernel cycles through every populated buffer; the fewer
/// there are, the more of them are still in the cache when the kernel writes the next bytes into one.</para>
/// <para><b>Huge pages.</b> The address space of all <see cref="Count"/> buffers is reserved at once (committed only
/// as buffers are populated), aligned to 2 MiB, and when the ring first grows past <see cref="InitialBuffers"/> — it
/// serves many sockets — it asks for transparent huge pages there (MADV_HUGEPAGE, and MADV_COLLAPSE for the buffers
/// already populated). Every receive touches a buffer a whole ring's turn after its last use: at 1,000 connections
/// that was a thousand different 4 KiB pages per turn, each a TLB miss for the kernel's copy into it and for the
/// reader's copy out of it (two-level page walks on a VM); on 2 MiB pages the ring is three TLB entries. A ring that
/// stays at its initial buffers keeps small pages (512 KiB, not a 2 MiB page). Refused advice (THP disabled) is
/// counted: <see cref="IoUringDriver.HugePageFallbackCount"/>.</para>
/// </remarks>
internal sealed unsafe class ProvidedBufferRing : IDisposable
{
    /// <summary>Ring entries, the most buffers one ring lends: 1024, monoio's default; a power of two, as the kernel requires.</summary>
    public const int Count = 1024;

    /// <summary>Bytes per buffer: 4 KiB (a page; tokio-uring's buf_ring examples use the same).</summary>
    public const int BufferSize = 4096;

    /// <summary>
    /// Bytes from one buffer's start to the next one's: <see cref="BufferSize"/> plus one cache line (64 bytes on
    /// x64 and arm64), so the buffers' first lines fall into different cache sets.
    /// </summary>
    /// <remarks>
    /// Buffers a page apart all map their first line to the same L1 set and to a few L2 sets (the set index is the
    /// address bits from 6 up: 32 of the 2,048 sets of the 1 MiB 8-way L2 of the benchmark VM's EPYC): with a small
    /// message per receive, the kernel's copy and the reader's copy-out touch only that first line, and at 1,000
    /// connections the ring's 1,024 buffers competed for 8 ways of L1 and 256 lines of L2 while the rest of the cache
    /// sat unused for them. Shifted by a line each, 64
    /// consecutive buffers cover every line offset of a page and the ring's first lines spread over the whole cache.
    /// The price: 64 bytes per buffer (1.6 %), and a buffer now straddles two pages.
    /// </remarks>
    public const int BufferStride = BufferSize + 64;

    /// <summary>
    /// Buffers allocated together when the ring grows: 64 (256 KiB), so a ring reaches <see cref="Count"/> in 14
    /// steps and an idle one holds at most one segment it does not need.
    /// </summary>
    public const int SegmentBuffers = 64;

    /// <summary>
    /// Buffers a ring starts with: 128 (512 KiB; two segments, an eighth of <see cref="Count"/>): enough for a ring
    /// that serves a few dozen sockets without growing; samples/EchoServer grew it to 192 at 100 connections and to
    /// 1,024 at 1,000 (benchmarks/README.md, "Provided buffers that follow the sockets").
    /// </summary>
    public const int InitialBuffers = 2 * SegmentBuffers;

    /// <summary>The buffer group id the receives select from (one group per ring).</summary>
    public const ushort GroupId = 0;

    private const int EntrySize = 16; // struct io_uring_buf { u64 addr; u32 len; u16 bid; u16 resv; }
    private const int TailOffset = 14; // the ring's tail overlays the first entry's resv field
    private const int SegmentShift = 6; // log2(SegmentBuffers)

    private readonly Lock _lock = new();
    private readonly byte* _ring;
    private readonly byte*[] _segments = new byte*[Count / SegmentBuffers]; // written under _lock before their ids are published
    private ushort _tail;   // guarded by _lock
    private int _available;
    private int _populated; // written under _lock
    private bool _freed;    // guarded by _lock

    private const nuint HugePageSize = IoUringNative.HugePageSize; // the buffers' alignment

    /// <summary>Every buffer's bytes: the address space reserved for them.</summary>
    private const nuint RegionBytes = (nuint)Count * BufferStride;

    private readonly byte* _mapping;       // the reservation (the region plus its alignment slack); null: segments from the allocator
    private readonly byte* _region;        // the first buffer's address, 2 MiB aligned, inside _mapping
    private int _hugePages;                // 0: not asked yet, 1: advised, -1: refused (or no reservation)

    private ProvidedBufferRing(byte* ring)
    {
        _ring = ring;
        _mapping = IoUringNative.ReserveMemory(RegionBytes + HugePageSize);
        if (_mapping != null) _region = (byte*)(((nuint)_mapping + HugePageSize - 1) & ~(HugePageSize - 1));
    }

    /// <summary>True once the ring grew past its initial buffers and its memory was advised for huge pages.</summary>
    public bool HugePages => Volatile.Read(ref _hugePages) == 1;

    /// <summary>True when the ring grew past its initial buffers but stays on small pages (advice refused, or no reservation).</summary>
    public bool HugePagesRefused => Volatile.Read(ref _hugePages) == -1;

    /// <summary>Buffer ids currently in the ring (the kernel may take them).</summary>
    public int Available => Volatile.Read(ref _available);

    /// <summary>Buffers allocated so far (<see cref="InitialBuffers"/> up to <see cref="Count"/>): ids 0 to Populated - 1 exist.</summary>
    public int Populated => Volatile.Read(ref _populated);

    /// <summary>Allocates and registers the ring with <paramref name="ringFd"/>; 0, or the errno of the registration.</summary>
    public static int TryRegister(FileDescriptorHandle ringFd, out ProvidedBufferRing? ring)
    {
        ring = null;
        // The ring must be page aligned (the kernel pins its pages).
        byte* entries = (byte*)NativeMemory.AlignedAlloc(Count * EntrySize, 4096);
        Unsafe.InitBlockUnaligned(entries, 0, Count * EntrySize);
        var registration = new BufferRingRegistration { RingAddress = (ulong)entries, RingEntries = Count, GroupId = GroupId };
        bool added = false;
        int result;
        try
        {
            ringFd.DangerousAddRef(ref added);
            result = IoUringNative.Register(ringFd.Fd, IoUringNative.RegisterPbufRing, &registration, 1);
        }
        finally
        {
            if (added) ringFd.DangerousRelease();
        }
        if (result < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            NativeMemory.AlignedFree(entries);
            return errno;
        }
        ring = new ProvidedBufferRing(entries);
        while (ring.Populated < InitialBuffers) ring.Grow();
        return 0;
    }

    /// <summary>The bytes of buffer <paramref name="id"/>.</summary>
    public byte* Address(ushort id) => _segments[id >> SegmentShift] + (nuint)(id & (SegmentBuffers - 1)) * BufferStride;

    /// <summary>
    /// Reaping thread: the kernel filled a buffer (a CQE with IORING_CQE_F_BUFFER), one fewer available; grows the
    /// ring when less than a quarter of its buffers are left.
    /// </summary>
    public void Taken()
    {
        int left = Interlocked.Decrement(ref _available);
        int populated = Volatile.Read(ref _populated);
        if (left < populated / 4 && populated < Count) Grow();
    }

    /// <summary>
    /// Adds <see cref="SegmentBuffers"/> new buffers to the ring, unless it has <see cref="Count"/> already or was
    /// disposed. Any thread.
    /// </summary>
    public void Grow()
    {
        lock (_lock)
        {
            if (_freed || _populated == Count) return;
            int first = _populated;
            if (first == InitialBuffers) AdviseHugePages();
            // Page aligned (a segment is 65 pages), the buffers one line apart beyond their size (BufferStride).
            byte* segment = _mapping != null
                ? _region + (nuint)first * BufferStride
                : (byte*)NativeMemory.AlignedAlloc((nuint)SegmentBuffers * BufferStride, 4096);
            _segments[first >> SegmentShift] = segment;
            for (int id = first; id < first + SegmentBuffers; id++) Add((ushort)id);
            Volatile.Write(ref _populated, first + SegmentBuffers);
            Publish();
        }
    }

    /// <summary>
    /// Returns buffer <paramref name="id"/> to the kernel. Any thread. True when it was the first buffer back in an
    /// empty ring (a receive ENOBUFS ended may be re-armed now). Nothing after <see cref="Dispose"/>.
    /// </summary>
    public bool Recycle(ushort id)
    {
        lock (_lock)
        {
            if (_freed) return false;
            bool wasEmpty = Add(id) == 1;
            Publish();
            return wasEmpty;
        }
    }

    // Under _lock, once: the ring grows past its initial buffers (see the remarks). With THP set to "never" the
    // kernel accepts the advice and ignores it, so that setting counts as a refusal.
    private void AdviseHugePages()
    {
        bool advised = _mapping != null && !TransparentHugePagesDisabled()
            && IoUringNative.AdviseHugePages(_region, RegionBytes, (nuint)InitialBuffers * BufferStride);
        Volatile.Write(ref _hugePages, advised ? 1 : -1);
    }

    /// <summary>True when /sys/kernel/mm/transparent_hugepage/enabled selects <c>[never]</c> (or the file is unreadable).</summary>
    internal static bool TransparentHugePagesDisabled()
    {
        try
        {
            return File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[never]", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    private int Add(ushort id)
    {
        byte* entry = _ring + (_tail & (Count - 1)) * EntrySize;
        Unsafe.WriteUnaligned(entry, (ulong)Address(id));
        Unsafe.WriteUnaligned(entry + 8, (uint)BufferSize);
        Unsafe.WriteUnaligned(entry + 12, id);
        _tail++;
        return Interlocked.Increment(ref _available);
    }

    // Release store: the entries written above are visible before the tail that hands them to the kernel.
    private void Publish() => Volatile.Write(ref Unsafe.AsRef<ushort>(_ring + TailOffset), _tail);

    /// <summary>Frees the memory; call only after the ring fd is closed and nothing is in flight. Later recycles write nothing.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_freed) return;
            _freed = true;
        }
        NativeMemory.AlignedFree(_ring);
        if (_mapping != null)
        {
            IoUringNative.munmap(_mapping, RegionBytes + HugePageSize);
            return;
        }
        foreach (var segment in _segments)
        {
            if (segment != null) NativeMemory.AlignedFree(segment);
        }
    }
}
