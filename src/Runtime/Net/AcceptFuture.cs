using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Drivers;

namespace AsyncGen.Net;

/// <summary>The future of <see cref="AsyncTcpListener.AcceptAsync"/>: the next incoming connection.</summary>
/// <remarks>Cancel-safe: disposing a pending accept loses no connection (it stays in the kernel's queue).</remarks>
[DebuggerDisplay("Accept on fd {_operation.Socket.Fd}")]
public struct AcceptFuture : IFuture<AsyncTcpStream>
{
    private IoOperation _operation;

    internal AcceptFuture(EventedSocket listener) => _operation = new IoOperation(listener, IoOperation.Accept);

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The listener was disposed.</exception>
    /// <exception cref="SocketException">accept failed (e.g. out of file descriptors).</exception>
    public Poll<AsyncTcpStream> Poll(ref Context cx)
    {
        if (!_operation.TryBeginPoll(cx.Waker, out var io)) return Poll<AsyncTcpStream>.Pending;
        Socket? accepted;
        try
        {
            if (!io.TryAccept(_operation.Socket.Socket, cx.Waker, out accepted)) return _operation.Pending<AsyncTcpStream>();
        }
        catch
        {
            _operation.Fail();
            throw;
        }
        var stream = new AsyncTcpStream(new EventedSocket(accepted!));
        return _operation.Ready(stream, stream.Fd);
    }

    /// <summary>Cancels a pending accept: its waker is removed from the reactor.</summary>
    public void Dispose() => _operation.Cancel(Direction.Read);
}
