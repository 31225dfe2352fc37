using System.Runtime.InteropServices;

namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// The send buffers of one <see cref="IoUringDriver"/>'s registrations: a socket rents one when a write queues bytes
/// and nothing is buffered, and returns it when its send completed with nothing left to send.
/// </summary>
/// <remarks>
/// <para>Why a pool rather than a buffer per socket: at 1,000 echo connections each write copied its bytes into that
/// socket's own 16 KiB buffer, a cache line last touched a thousand requests ago, and the store's miss was paid at
/// the next locked instruction (the SQ lock: 2.5 % of the server's samples under <c>WriteAllFuture.Poll</c>). The
/// pool is last in, first out, so a write gets the buffer a send just gave back, still in the cache; and the sockets
/// hold send memory only while they have bytes in flight (one echo turn's worth), not 16 KiB each for as long as they
/// live.</para>
/// <para>One pool (and one lock) per driver, shared by a work-stealing executor's worker rings: measured with two
/// workers at 1,000 connections against the commit before the pool, the pool was ahead (median +5 %) and the lock
/// cost nothing visible (benchmarks/README,
/// "The pool's shared lock at two workers"); a pool per ring is the step if more workers show contention here.</para>
/// <para>Thread-safe (a socket's writes and its send completions may run on different workers); a registration
/// holds a buffer until its final send completion, so no buffer is reused while the kernel may still read it.
/// After <see cref="Dispose"/>, returned buffers are freed (a socket that outlives its driver).</para>
/// </remarks>
internal sealed unsafe class SendBufferPool : IDisposable
{
    /// <summary>Bytes per buffer: 16 KiB, Linux's initial TCP send buffer (net.ipv4.tcp_wmem's default).</summary>
    public const int BufferSize = 16 * 1024;

    /// <summary>
    /// Idle buffers kept for the next writes: 1,024 (at most 16 MiB, and only as many as were once in flight together),
    /// a buffer returned beyond that is freed. At 256, the one-thread echo server at 1,000 connections rented from
    /// <c>malloc</c> once per four requests: a park reaps at most 64 completions
    /// (<see cref="IoUringInstance.MaxCompletionsPerPark"/>), so send completions wait in the CQ behind receives and
    /// several hundred buffers are in flight at once.
    /// </summary>
    public const int MaxIdle = 1024;

    private readonly Lock _lock = new();
    private readonly nint[] _idle = new nint[MaxIdle]; // a stack: the most recently returned on top
    private int _count;     // guarded by _lock
    private long _allocated;
    private bool _disposed; // guarded by _lock

    /// <summary>Buffers allocated from native memory so far (tests: reuse allocates none).</summary>
    public long Allocated => Interlocked.Read(ref _allocated);

    /// <summary>Buffers waiting in the pool.</summary>
    public int Idle
    {
        get
        {
            lock (_lock) return _count;
        }
    }

    /// <summary>A buffer of <see cref="BufferSize"/> bytes: the most recently returned one, or a new one.</summary>
    public byte* Rent()
    {
        lock (_lock)
        {
            if (_count > 0) return (byte*)_idle[--_count];
        }
        Interlocked.Increment(ref _allocated);
        return (byte*)NativeMemory.Alloc(BufferSize);
    }

    /// <summary>Takes back a buffer no request uses any more; frees it when the pool is full or disposed.</summary>
    public void Return(byte* buffer)
    {
        lock (_lock)
        {
            if (!_disposed && _count < MaxIdle)
            {
                _idle[_count++] = (nint)buffer;
                return;
            }
        }
        NativeMemory.Free(buffer);
    }

    /// <summary>Frees the idle buffers; buffers returned later are freed at once.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_count > 0) NativeMemory.Free((byte*)_idle[--_count]);
        }
    }
}
