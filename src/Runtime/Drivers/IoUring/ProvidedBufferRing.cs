using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// A provided-buffer ring (IORING_REGISTER_PBUF_RING, 5.19): <see cref="Count"/> buffers of
/// <see cref="BufferSize"/> bytes that the kernel picks from when a multishot receive has data, so no buffer is
/// committed to a socket before its bytes arrive (tokio-uring's and monoio's buf_ring).
/// </summary>
/// <remarks>
/// The ring is ours to produce into (the tail) and the kernel's to consume (its head is private). A buffer id
/// comes back to us in a CQE (<c>IORING_CQE_F_BUFFER</c>); the registration that received it lends its bytes to
/// readers and returns the id through <see cref="Recycle"/> once every byte was copied out. Recycling may happen on
/// any thread (the reader's), so the tail is advanced under <c>_lock</c>. <see cref="Available"/> counts ids in the
/// ring: when it is 0 a multishot receive ends with ENOBUFS and waits for recycling to re-arm (the owning instance's
/// starved list; <see cref="Recycle"/> reports the return from 0 so a reader on another worker can wake that ring).
/// <see cref="Dispose"/> and <see cref="Recycle"/> are ordered by <c>_lock</c>: a recycle after the memory was freed
/// (a socket that outlived its driver, deregistered later) writes nothing.
/// </remarks>
internal sealed unsafe class ProvidedBufferRing : IDisposable
{
    /// <summary>Buffers in the ring: 1024, monoio's default; a power of two, as the kernel requires.</summary>
    public const int Count = 1024;

    /// <summary>Bytes per buffer: 4 KiB (a page; tokio-uring's buf_ring examples use the same).</summary>
    public const int BufferSize = 4096;

    /// <summary>The buffer group id the receives select from (one group per ring).</summary>
    public const ushort GroupId = 0;

    private const int EntrySize = 16; // struct io_uring_buf { u64 addr; u32 len; u16 bid; u16 resv; }
    private const int TailOffset = 14; // the ring's tail overlays the first entry's resv field

    private readonly Lock _lock = new();
    private readonly byte* _ring;
    private readonly byte* _buffers;
    private ushort _tail;   // guarded by _lock
    private int _available;
    private bool _freed;    // guarded by _lock

    private ProvidedBufferRing(byte* ring, byte* buffers)
    {
        _ring = ring;
        _buffers = buffers;
    }

    /// <summary>Buffer ids currently in the ring (the kernel may take them).</summary>
    public int Available => Volatile.Read(ref _available);

    /// <summary>Allocates and registers the ring with <paramref name="ringFd"/>; 0, or the errno of the registration.</summary>
    public static int TryRegister(FileDescriptorHandle ringFd, out ProvidedBufferRing? ring)
    {
        ring = null;
        // The ring must be page aligned (the kernel pins its pages); the buffers need no alignment, but a page keeps
        // every buffer within one page pair.
        byte* entries = (byte*)NativeMemory.AlignedAlloc(Count * EntrySize, 4096);
        byte* buffers = (byte*)NativeMemory.AlignedAlloc((nuint)Count * BufferSize, 4096);
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
            NativeMemory.AlignedFree(buffers);
            return errno;
        }
        ring = new ProvidedBufferRing(entries, buffers);
        for (int id = 0; id < Count; id++) ring.Add((ushort)id);
        ring.Publish();
        return 0;
    }

    /// <summary>The bytes of buffer <paramref name="id"/>.</summary>
    public byte* Address(ushort id) => _buffers + (nuint)id * BufferSize;

    /// <summary>The kernel filled a buffer (a CQE with IORING_CQE_F_BUFFER): one fewer available.</summary>
    public void Taken() => Interlocked.Decrement(ref _available);

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
        NativeMemory.AlignedFree(_buffers);
    }
}
