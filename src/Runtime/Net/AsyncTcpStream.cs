using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AsyncGen.Net;

/// <summary>
/// A TCP connection driven by the executor's epoll reactor (tokio's <c>TcpStream</c>). Every operation returns a
/// struct future; awaiting it inside a task parks the task until the socket is ready, without blocking the thread.
/// </summary>
/// <remarks>
/// <para>At most one read and one write may be pending at a time (a reader task and a writer task may share the
/// stream); a second read (or write) that would wait while another does throws <see cref="InvalidOperationException"/>.
/// An empty buffer reads or writes 0 bytes at once. Reads return 0 at end of stream. Errors surface as <see cref="SocketException"/>s carrying the OS error.
/// Disposing the stream wakes pending operations (they then throw <see cref="ObjectDisposedException"/>) and
/// closes the descriptor once.</para>
/// <example>
/// <code>
/// using var stream = await AsyncTcpStream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
/// await stream.WriteAllAsync("ping"u8.ToArray());
/// int n = await stream.ReadAsync(buffer);
/// </code>
/// </example>
/// </remarks>
[DebuggerDisplay("AsyncTcpStream fd {Fd}")]
public sealed class AsyncTcpStream : IDisposable
{
    private readonly EventedSocket _socket;

    internal AsyncTcpStream(EventedSocket socket) => _socket = socket;

    /// <summary>Opens a connection to <paramref name="remote"/> (non-blocking connect; the future completes on EPOLLOUT).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="remote"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The port is 0.</exception>
    public static ConnectFuture ConnectAsync(IPEndPoint remote)
    {
        BufferArguments.ValidatePort(remote, nameof(remote));
        return new ConnectFuture(remote);
    }

    /// <summary>Opens a connection to <paramref name="address"/>:<paramref name="port"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The port is 0 or outside 1–65535.</exception>
    public static ConnectFuture ConnectAsync(IPAddress address, int port) => ConnectAsync(new IPEndPoint(address, port));

    internal int Fd => _socket.Fd;

    /// <summary>Receives into <paramref name="buffer"/>: the byte count, 0 at end of stream (or for an empty buffer).</summary>
    public ReadFuture ReadAsync(Memory<byte> buffer) => new(_socket, buffer, IoOperationKind.Read);

    /// <summary>Receives into <paramref name="count"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative or exceeds the buffer.</exception>
    public ReadFuture ReadAsync(byte[] buffer, int offset, int count)
    {
        BufferArguments.Validate(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count));
    }

    /// <summary>Sends some of <paramref name="buffer"/>: the byte count the kernel accepted (at least 1 if non-empty).</summary>
    public WriteFuture WriteAsync(ReadOnlyMemory<byte> buffer) => new(_socket, buffer, IoOperationKind.Write);

    /// <summary>Sends some of <paramref name="count"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative or exceeds the buffer.</exception>
    public WriteFuture WriteAsync(byte[] buffer, int offset, int count)
    {
        BufferArguments.Validate(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count));
    }

    /// <summary>Sends all of <paramref name="buffer"/>, waiting for buffer space as needed.</summary>
    public WriteAllFuture WriteAllAsync(ReadOnlyMemory<byte> buffer) => new(_socket, buffer);

    /// <summary>Sends all <paramref name="count"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative or exceeds the buffer.</exception>
    public WriteAllFuture WriteAllAsync(byte[] buffer, int offset, int count)
    {
        BufferArguments.Validate(buffer, offset, count);
        return WriteAllAsync(buffer.AsMemory(offset, count));
    }

    /// <summary>
    /// Shuts down one or both directions: after <see cref="SocketShutdown.Send"/> the peer reads end of stream, and
    /// this side can still read.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    /// <exception cref="SocketException">The socket is not connected.</exception>
    public void Shutdown(SocketShutdown how) => _socket.Shutdown(how);

    /// <summary>Disables Nagle's algorithm (TCP_NODELAY) when true: small writes leave at once.</summary>
    public bool NoDelay
    {
        get => _socket.Socket.NoDelay;
        set => _socket.Socket.NoDelay = value;
    }

    /// <summary>The local address and port.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.Socket.LocalEndPoint!;

    /// <summary>The peer's address and port.</summary>
    public IPEndPoint RemoteEndPoint => (IPEndPoint)_socket.Socket.RemoteEndPoint!;

    /// <summary>
    /// This connection as a <see cref="Stream"/> for Task-based code (<see cref="StreamReader"/>, <c>SslStream</c>,
    /// Pipelines), driven by <paramref name="executor"/>: its reads and writes run on the executor's worker threads
    /// and their continuations on the thread pool. Dispose the Stream when done: it keeps two tasks on the executor
    /// until then. Costs are in the adapter's remarks (<c>Net/AsyncTcpStreamAdapter.cs</c>).
    /// </summary>
    /// <param name="executor">The executor whose driver the socket is (or will be) registered with.</param>
    /// <param name="ownsStream">Whether disposing the Stream disposes this connection (true by default).</param>
    public Stream AsStream(WorkStealingExecutor executor, bool ownsStream = true)
    {
        ArgumentNullException.ThrowIfNull(executor);
        return new AsyncTcpStreamAdapter(this, executor.Spawn, ownsStream);
    }

    /// <summary>
    /// This connection as a <see cref="Stream"/> driven by a single-threaded <paramref name="executor"/>: Task code
    /// on any thread may read and write it while the executor runs (its operations run on the executor's thread,
    /// their continuations on the thread pool). Dispose the Stream when done: it keeps two tasks on the executor
    /// until then, and <see cref="LocalExecutor.Run"/> waits for them.
    /// </summary>
    /// <param name="executor">The executor whose driver the socket is (or will be) registered with.</param>
    /// <param name="ownsStream">Whether disposing the Stream disposes this connection (true by default).</param>
    /// <exception cref="InvalidOperationException">Called from another thread while <paramref name="executor"/> runs
    /// (create the Stream inside one of its tasks, or before it runs).</exception>
    public Stream AsStream(LocalExecutor executor, bool ownsStream = true)
    {
        ArgumentNullException.ThrowIfNull(executor);
        return new AsyncTcpStreamAdapter(this, AsyncTcpStreamAdapter.SpawnOn(executor, nameof(AsStream)), ownsStream);
    }

    /// <summary>
    /// As <see cref="AsStream(WorkStealingExecutor, bool)"/> or <see cref="AsStream(LocalExecutor, bool)"/>, on the
    /// executor running the calling task, whichever kind it is.
    /// </summary>
    /// <param name="ownsStream">Whether disposing the Stream disposes this connection (true by default).</param>
    /// <exception cref="InvalidOperationException">Not called from a task.</exception>
    public Stream AsStream(bool ownsStream = true)
    {
        if (LocalExecutor.Current is { } local) return AsStream(local, ownsStream);
        if (WorkStealingExecutor.Current is { } shared) return AsStream(shared, ownsStream);
        throw new InvalidOperationException(
            "AsStream() without an executor must be called from a task (of a LocalExecutor or a WorkStealingExecutor); " +
            "outside of one, pass the executor that drives this connection: AsStream(executor).");
    }

    /// <summary>Closes the connection (once); pending operations are woken and throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _socket.Dispose();

    /// <summary>
    /// SO_LINGER: null (the default) closes in the background; <see cref="TimeSpan.Zero"/> makes <see cref="Dispose"/>
    /// reset the connection (RST) and discard unsent data.
    /// </summary>
    public TimeSpan? Linger
    {
        get => _socket.Socket.LingerState is { Enabled: true } state ? TimeSpan.FromSeconds(state.LingerTime) : null;
        set => _socket.Socket.LingerState = value is { } linger
            ? new LingerOption(true, (int)Math.Ceiling(linger.TotalSeconds))
            : new LingerOption(false, 0);
    }
}
