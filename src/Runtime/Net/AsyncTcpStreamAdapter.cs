using System.Buffers;
using System.Diagnostics;

namespace AsyncGen.Net;

/// <summary>
/// <see cref="AsyncTcpStream.AsStream(bool)"/>: an <see cref="AsyncTcpStream"/> as a <see cref="Stream"/>, for Task-based
/// consumers (<see cref="StreamReader"/>, <c>SslStream</c>, <c>PipeReader.Create</c>).
/// </summary>
/// <remarks>
/// <para><b>Where the I/O runs.</b> On the executor the stream was bound to (a <see cref="LocalExecutor"/> or a
/// <see cref="WorkStealingExecutor"/>), so the socket stays registered with that executor's driver and is polled
/// there, like any task using the connection: two tasks, a <see cref="StreamReadLane"/> and a
/// <see cref="StreamWriteLane"/>, are spawned on it when the Stream is created, and each <c>ReadAsync</c> /
/// <c>WriteAsync</c>, from any thread, hands its buffer to one of them and wakes it (the only thing another thread
/// may do to a <see cref="LocalExecutor"/>). The returned ValueTask completes from the executor thread, and <b>its
/// continuation runs on the thread pool</b>, never inline there: code after <c>await stream.ReadAsync(...)</c>
/// cannot stall the executor.</para>
/// <para><b>Lifetime.</b> The two tasks live until the Stream is disposed (they finish the operation in flight,
/// then end): a <see cref="LocalExecutor.Run"/> waits for them like for any task. If the executor is disposed first,
/// operations in flight and later ones fail with <see cref="ObjectDisposedException"/>.</para>
/// <para><b>Costs.</b> Two tasks per Stream; per operation no allocation of its own (the lane is the ValueTask's
/// source, reused) but a wake of the executor and a thread-pool hop for the continuation. Native
/// <see cref="AsyncTcpStream"/> futures in <c>async Future</c> code cost none of this: the adapter is for interop.</para>
/// <para><b>Cancellation.</b> A token cancels a pending operation by disposing its future (nothing is read or lost
/// for a read; a write may have sent part of the buffer, as with any Stream).</para>
/// <para><b>Synchronous Read/Write</b> block the calling thread on the async path; they throw on an executor thread,
/// where blocking could starve the very executor that must complete them.</para>
/// </remarks>
[DebuggerDisplay("Stream over AsyncTcpStream fd {_stream.Fd}")]
internal sealed class AsyncTcpStreamAdapter : Stream
{
    private readonly AsyncTcpStream _stream;
    private readonly StreamReadLane _reads;
    private readonly StreamWriteLane _writes;
    private readonly bool _ownsStream;
    private int _owners;

    /// <summary>Spawns the two lanes through <paramref name="spawn"/> (the executor's, checked by the caller).</summary>
    /// <param name="stream">The connection.</param>
    /// <param name="spawn">The executor's spawn.</param>
    /// <param name="ownsStream">Whether the last dispose disposes <paramref name="stream"/>.</param>
    /// <param name="owners">Disposes it takes to close (2 for a duplex pipe: its reader and its writer each
    /// dispose it when completed).</param>
    public AsyncTcpStreamAdapter(AsyncTcpStream stream, Func<IFuture<Unit>, JoinHandle<Unit>> spawn, bool ownsStream, int owners = 1)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _owners = owners;
        _reads = new StreamReadLane(stream);
        _writes = new StreamWriteLane(stream);
        spawn(_reads);
        spawn(_writes);
    }

    /// <summary>
    /// <paramref name="executor"/>'s spawn, after checking that this thread may spawn on it, with a message naming
    /// <paramref name="api"/> (the spawn's own would name Spawn).
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread runs <paramref name="executor"/>.</exception>
    public static Func<IFuture<Unit>, JoinHandle<Unit>> SpawnOn(LocalExecutor executor, string api)
    {
        if (!executor.CanSpawnFromThisThread)
            throw new InvalidOperationException(
                $"{api}(LocalExecutor) was called from another thread while that executor runs: a LocalExecutor takes " +
                $"new tasks from its own thread only. Call {api}() inside one of its tasks (or before it runs), then hand " +
                "the result to any thread.");
        return executor.Spawn;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException("A TCP stream has no length.");

    public override long Position
    {
        get => throw new NotSupportedException("A TCP stream cannot seek.");
        set => throw new NotSupportedException("A TCP stream cannot seek.");
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
        if (buffer.IsEmpty) return new ValueTask<int>(0);
        return _reads.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        if (buffer.IsEmpty) return default;
        return _writes.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // An array outlives this frame already: the async path reads into it directly, no copy.
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        ThrowIfOnWorker(nameof(Read));
        return count == 0 ? 0 : ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override int Read(Span<byte> buffer)
    {
        ThrowIfOnWorker(nameof(Read));
        if (buffer.IsEmpty) return 0;
        // The async path needs memory that outlives this frame: a pooled array, returned once the read completed
        // (the lane is done with it then, whether it succeeded or failed), so a blocking reader allocates no buffer
        // per call.
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int read = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        ThrowIfOnWorker(nameof(Write));
        if (count != 0) WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfOnWorker(nameof(Write));
        if (buffer.IsEmpty) return;
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length); // as in Read(Span): outlives the frame, no per-call array
        try
        {
            buffer.CopyTo(rented);
            WriteAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Nothing is buffered here: every write was handed to the kernel when it completed.</summary>
    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A TCP stream cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A TCP stream has no length.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Decrement(ref _owners) == 0) // later disposes: nothing left to do
        {
            // Owned: the socket closes first, so an operation in flight fails at once instead of holding the lane.
            if (_ownsStream) _stream.Dispose();
            _reads.Close();
            _writes.Close();
        }
        base.Dispose(disposing);
    }

    private static void ThrowIfOnWorker(string method)
    {
        if (WorkStealingExecutor.Current is not null || LocalExecutor.Current is not null)
            throw new InvalidOperationException(
                $"Stream.{method} blocks, and this thread runs an AsyncGen executor that must complete it: use {method}Async, " +
                "or the AsyncTcpStream's own futures in async Future code.");
    }
}
