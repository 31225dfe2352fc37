using System.Diagnostics;

namespace AsyncGen.Net;

/// <summary>
/// <see cref="AsyncTcpStream.AsStream(WorkStealingExecutor, bool)"/>: an <see cref="AsyncTcpStream"/> as a <see cref="Stream"/>, for Task-based
/// consumers (<see cref="StreamReader"/>, <c>SslStream</c>, <c>PipeReader.Create</c>).
/// </summary>
/// <remarks>
/// <para><b>Where the I/O runs.</b> Each <c>ReadAsync</c>/<c>WriteAsync</c> is spawned as a task on the
/// <see cref="WorkStealingExecutor"/> the stream was bound to, so the socket stays registered with that executor's
/// driver and is polled by its workers, like any task using the stream. The returned ValueTask completes from the
/// worker that finishes the operation, and <b>its continuation runs on the thread pool</b>, never inline on the
/// worker: code after <c>await stream.ReadAsync(...)</c> cannot stall the executor. The work-stealing executor is
/// required because Stream callers (an SslStream's continuations) call from any thread; a
/// <see cref="LocalExecutor"/> accepts spawns from its own thread only.</para>
/// <para><b>Costs.</b> Per operation: a task (cell, boxed future, a TaskCompletionSource and its Task) and a thread-pool
/// hop for the continuation; native <see cref="AsyncTcpStream"/> futures in <c>async Future</c> code cost nothing of
/// this. The adapter is for interop.</para>
/// <para><b>Cancellation.</b> A token cancels a pending operation by disposing its future (nothing is read or lost
/// for a read; a write may have sent part of the buffer, as with any Stream).</para>
/// <para><b>Synchronous Read/Write</b> block the calling thread on the async path; they throw on an executor worker,
/// where blocking could starve the very executor that must complete them.</para>
/// </remarks>
[DebuggerDisplay("Stream over AsyncTcpStream fd {_stream.Fd}")]
internal sealed class AsyncTcpStreamAdapter(AsyncTcpStream stream, WorkStealingExecutor executor, bool ownsStream) : Stream
{
    private readonly AsyncTcpStream _stream = stream;

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
        return new ValueTask<int>(executor.SpawnAsTask(_stream.ReadAsync(buffer).WithCancellation(cancellationToken)));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        if (buffer.IsEmpty) return default;
        return new ValueTask(executor.SpawnAsTask(_stream.WriteAllAsync(buffer).WithCancellation(cancellationToken)));
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ThrowIfOnWorker(nameof(Read));
        var rented = new byte[buffer.Length]; // the async path needs memory that outlives this frame
        int read = ReadAsync(rented).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, read).CopyTo(buffer);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfOnWorker(nameof(Write));
        WriteAsync(buffer.ToArray()).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Nothing is buffered here: every write was handed to the kernel when it completed.</summary>
    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A TCP stream cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A TCP stream has no length.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsStream) _stream.Dispose();
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
