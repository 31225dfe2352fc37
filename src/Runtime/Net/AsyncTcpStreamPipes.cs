using System.IO.Pipelines;

namespace AsyncGen.Net;

/// <summary>
/// <see cref="PipeReader"/> and <see cref="PipeWriter"/> over an <see cref="AsyncTcpStream"/>, for protocol code
/// written against System.IO.Pipelines (Kestrel-style parsers).
/// </summary>
/// <remarks>In the runtime because System.IO.Pipelines is part of the net10.0 shared framework
/// (Microsoft.NETCore.App; NuGet even refuses the package reference, NU1510): no dependency beyond the BCL. Built on <see cref="AsyncTcpStream.AsStream(WorkStealingExecutor, bool)"/>: the pipe's reads and
/// flushes run as tasks on the executor and continue on the thread pool (see that method for the costs). The
/// pipes buffer on top: one socket read fills as much of a pooled segment as the kernel has.</remarks>
public static class AsyncTcpStreamPipes
{
    /// <summary>
    /// A duplex pipe over <paramref name="stream"/>. Completing the pipes does not close the connection: dispose
    /// <paramref name="stream"/> once both are completed.
    /// </summary>
    public static IDuplexPipe AsDuplexPipe(this AsyncTcpStream stream, WorkStealingExecutor executor,
        StreamPipeReaderOptions? readerOptions = null, StreamPipeWriterOptions? writerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(executor);
        var adapter = stream.AsStream(executor, ownsStream: false);
        return new DuplexPipe(
            PipeReader.Create(adapter, readerOptions ?? new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(adapter, writerOptions ?? new StreamPipeWriterOptions(leaveOpen: true)));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
