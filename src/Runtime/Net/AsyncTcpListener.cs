using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AsyncGen.Net;

/// <summary>A listening TCP socket whose accepts are futures driven by the executor's reactor (tokio's <c>TcpListener</c>).</summary>
/// <remarks>One accept may be pending at a time (the reactor keeps one waker per direction; a second one that
/// would wait throws <see cref="InvalidOperationException"/>): run one accept loop and hand connections to spawned
/// tasks, as the EchoServer sample does.</remarks>
/// <example>
/// <code>
/// using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
/// using AsyncTcpStream client = await listener.AcceptAsync();
/// </code>
/// </example>
[DebuggerDisplay("AsyncTcpListener fd {_socket.Fd}")]
public sealed class AsyncTcpListener : IDisposable
{
    /// <summary>The default accept backlog: 1024, tokio's <c>TcpListener::bind</c> default.</summary>
    public const int DefaultBacklog = 1024;

    private const int SolSocket = 1;    // SOL_SOCKET, asm-generic/socket.h (x86-64 and arm64)
    private const int SoReuseAddr = 2;  // SO_REUSEADDR, same header

    private readonly EventedSocket _socket;
    private readonly AcceptBackoff _backoff = new();

    private AsyncTcpListener(EventedSocket socket) => _socket = socket;

    /// <summary>
    /// Binds to <paramref name="local"/> (port 0 = any free port, see <see cref="LocalEndPoint"/>) and listens with
    /// the given accept <paramref name="backlog"/>. SO_REUSEADDR is set, as tokio does, so a restarted server can
    /// rebind while old connections linger in TIME_WAIT.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backlog"/> is not positive.</exception>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public static AsyncTcpListener Bind(IPEndPoint local, int backlog = DefaultBacklog)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(backlog);
        var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Not SocketOptionName.ReuseAddress: on Linux .NET maps it to SO_REUSEADDR and SO_REUSEPORT, and the latter
            // would let a second server bind the same port silently.
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            socket.Bind(local);
            socket.Listen(backlog);
            return new AsyncTcpListener(new EventedSocket(socket));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal int Fd => _socket.Fd;

    /// <summary>The bound address and port (the actual port when bound to 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.Socket.LocalEndPoint!;

    /// <summary>Accepts the next connection.</summary>
    /// <remarks>Out of descriptors (EMFILE/ENFILE) or kernel memory, the first accept of a burst of failures throws
    /// its <see cref="System.Net.Sockets.SocketException"/>; later ones wait and retry until the burst ends (see
    /// <see cref="AcceptFuture"/>), so a loop that logs the exception and accepts again keeps serving.</remarks>
    /// <exception cref="ObjectDisposedException">The listener was disposed.</exception>
    public AcceptFuture AcceptAsync()
    {
        ObjectDisposedException.ThrowIf(_socket.IsDisposed, this);
        return new AcceptFuture(_socket, _backoff);
    }

    /// <summary>Stops listening and closes the socket; a pending accept is woken and throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _socket.Dispose();
}
