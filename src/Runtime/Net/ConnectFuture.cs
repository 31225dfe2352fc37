using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Tasks;

namespace AsyncGen.Net;

/// <summary>
/// The future of <see cref="AsyncTcpStream.ConnectAsync(IPEndPoint)"/>: a non-blocking <c>connect</c>, then a wait for
/// EPOLLOUT, then <c>SO_ERROR</c> tells success from failure.
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
            _socket ??= Start();
            IoOperation.Polled(IoOperation.Connect, _socket.Fd, ++_polls);
            var io = _socket.Register(connecting: true);
            if (!io.PollReady(Direction.Write, cx.Waker, out _))
            {
                IoOperation.Pending(IoOperation.Connect, _socket.Fd);
                return Poll<AsyncTcpStream>.Pending;
            }
            var socket = _socket.Socket;
            int error = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            if (error != 0) throw new SocketException(error);
            // .NET learns that its non-blocking connect completed when it is asked (Connected polls the socket);
            // ask once, so RemoteEndPoint and Connected are right from here on.
            if (!socket.Connected) throw new SocketException((int)SocketError.NotConnected);
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

    private readonly EventedSocket Start()
    {
        var socket = new Socket(_remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var evented = new EventedSocket(socket);
        try
        {
            socket.Connect(_remote);
        }
        catch (SocketException error) when (error.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // EINPROGRESS: the handshake continues; EPOLLOUT reports its end.
        }
        catch
        {
            evented.Dispose();
            throw;
        }
        return evented;
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
