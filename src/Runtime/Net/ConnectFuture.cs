using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Tasks;

namespace AsyncGen.Net;

/// <summary>
/// The future of <see cref="AsyncTcpStream.ConnectAsync(IPEndPoint)"/>: the driver starts the connect
/// (<see cref="IIoDriver.Connect"/>: a non-blocking <c>connect</c> then a wait for EPOLLOUT and <c>SO_ERROR</c> on
/// readiness drivers, System.Net.Sockets' own connect on the portable one) and reports its end.
/// </summary>
/// <remarks>The socket is created on the first poll. Disposing a pending connect (e.g. through
/// <see cref="Time.Timeout{T}(IFuture{T}, TimeSpan)"/>) closes the half-open socket.</remarks>
[DebuggerDisplay("Connect to {_remote}")]
public struct ConnectFuture : IFuture<AsyncTcpStream>, IAsyncFrameSource
{
    private readonly IPEndPoint _remote;
    private EventedSocket? _socket;
    private int _polls;
    private bool _done;

    internal ConnectFuture(IPEndPoint remote) => _remote = remote;

    /// <inheritdoc/>
    /// <exception cref="SocketException">The connection failed, e.g. <see cref="SocketError.ConnectionRefused"/>.</exception>
    public Poll<AsyncTcpStream> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The connect future was polled after it completed (or was disposed).");
        try
        {
            IoRegistration io;
            if (_socket is null)
            {
                _socket = new EventedSocket(new Socket(_remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
                io = _socket.Connect(_remote);
            }
            else io = _socket.Register(connecting: true);
            IoOperation.Polled(IoOperation.Connect, _socket.Fd, ++_polls);
            if (!io.TryFinishConnect(_socket.Socket, cx.Waker))
            {
                IoOperation.Pending(IoOperation.Connect, _socket.Fd);
                return Poll<AsyncTcpStream>.Pending;
            }
        }
        catch
        {
            CoopBudget.Spend(); // a failed connect spends budget like any failed operation (see IoOperation)
            Dispose();
            throw;
        }
        _done = true;
        IoOperation.Ready(IoOperation.Connect, _socket.Fd, _polls, 0);
        return Poll<AsyncTcpStream>.Ready(new AsyncTcpStream(_socket));
    }

    /// <summary>While pending: the connecting descriptor, waiting to become writable.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (_socket is { } socket && !_done) frames.Add(AsyncFrame.Resource("ConnectAsync", $"fd {socket.Fd} writable (connecting to {_remote})"));
    }

    /// <summary>Cancels a pending connect and closes its socket.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _socket?.Dispose();
    }
}
