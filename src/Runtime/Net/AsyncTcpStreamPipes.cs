using System.IO.Pipelines;

namespace AsyncGen.Net;

/// <summary>
/// <see cref="PipeReader"/> and <see cref="PipeWriter"/> over an <see cref="AsyncTcpStream"/>, for protocol code
/// written against System.IO.Pipelines (Kestrel-style parsers).
/// </summary>
/// <remarks>In the runtime because System.IO.Pipelines is part of the net10.0 shared framework
/// (Microsoft.NETCore.App; NuGet even refuses the package reference, NU1510): no dependency beyond the BCL. Built on
/// <see cref="AsyncTcpStream.AsStream(bool)"/>: the pipe's reads and flushes run on the executor and continue on the
/// thread pool (see that method for the costs). The pipes buffer on top: one socket read fills as much of a pooled
/// segment as the kernel has.</remarks>
public static class AsyncTcpStreamPipes
{
    /// <summary>
    /// A duplex pipe over <paramref name="stream"/>, driven by <paramref name="executor"/> (see
    /// <see cref="AsyncTcpStream.AsStream(WorkStealingExecutor, bool)"/>). Completing the pipes does not close the
    /// connection: dispose <paramref name="stream"/> once both are completed.
    /// </summary>
    /// <remarks>The pipes keep two tasks on the executor until both are completed. <c>LeaveOpen</c> of the options
    /// is ignored (the pipes own the adapter between them, never the connection).</remarks>
    public static IDuplexPipe AsDuplexPipe(this AsyncTcpStream stream, WorkStealingExecutor executor,
        StreamPipeReaderOptions? readerOptions = null, StreamPipeWriterOptions? writerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(executor);
        return Create(new AsyncTcpStreamAdapter(stream, executor.Spawn, ownsStream: false, owners: 2), readerOptions, writerOptions);
    }

    /// <summary>
    /// A duplex pipe over <paramref name="stream"/>, driven by a single-threaded <paramref name="executor"/> (see
    /// <see cref="AsyncTcpStream.AsStream(LocalExecutor, bool)"/>: create it inside one of its tasks or before it
    /// runs). Completing both pipes ends the two tasks it keeps on the executor; it does not close the connection:
    /// dispose <paramref name="stream"/> once both are completed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from another thread while <paramref name="executor"/> runs.</exception>
    public static IDuplexPipe AsDuplexPipe(this AsyncTcpStream stream, LocalExecutor executor,
        StreamPipeReaderOptions? readerOptions = null, StreamPipeWriterOptions? writerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(executor);
        return Create(new AsyncTcpStreamAdapter(stream, AsyncTcpStreamAdapter.SpawnOn(executor, "AsDuplexPipe"), ownsStream: false, owners: 2), readerOptions, writerOptions);
    }

    /// <summary>
    /// A duplex pipe over <paramref name="stream"/>, driven by the executor running the calling task, whichever kind
    /// it is. Completing the pipes does not close the connection: dispose <paramref name="stream"/> once both are
    /// completed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not called from a task.</exception>
    public static IDuplexPipe AsDuplexPipe(this AsyncTcpStream stream,
        StreamPipeReaderOptions? readerOptions = null, StreamPipeWriterOptions? writerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (LocalExecutor.Current is { } local) return stream.AsDuplexPipe(local, readerOptions, writerOptions);
        if (WorkStealingExecutor.Current is { } shared) return stream.AsDuplexPipe(shared, readerOptions, writerOptions);
        throw new InvalidOperationException(
            "AsDuplexPipe() without an executor must be called from a task (of a LocalExecutor or a WorkStealingExecutor); " +
            "outside of one, pass the executor that drives this connection: AsDuplexPipe(executor).");
    }

    // The pipes own the adapter (leaveOpen: false), which counts two owners: completing both closes it, which ends
    // its two tasks; the adapter does not own the connection.
    // Options a caller passes are kept but for LeaveOpen, which this ownership needs false.
    private static IDuplexPipe Create(AsyncTcpStreamAdapter adapter, StreamPipeReaderOptions? readerOptions, StreamPipeWriterOptions? writerOptions)
    {
        var reader = readerOptions is null
            ? new StreamPipeReaderOptions(leaveOpen: false)
            : new StreamPipeReaderOptions(readerOptions.Pool, readerOptions.BufferSize, readerOptions.MinimumReadSize, leaveOpen: false, readerOptions.UseZeroByteReads);
        var writer = writerOptions is null
            ? new StreamPipeWriterOptions(leaveOpen: false)
            : new StreamPipeWriterOptions(writerOptions.Pool, writerOptions.MinimumBufferSize, leaveOpen: false);
        return new DuplexPipe(PipeReader.Create(adapter, reader), PipeWriter.Create(adapter, writer));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
