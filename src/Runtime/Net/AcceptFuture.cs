using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Reactor;

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
        while (io.PollReady(Direction.Read, cx.Waker, out var seen))
        {
            Socket accepted;
            try
            {
                // Socket.Accept has no non-throwing overload: EAGAIN costs an exception, once per burst of accepts.
                accepted = _operation.Socket.Socket.Accept();
            }
            catch (SocketException error) when (error.SocketErrorCode == SocketError.WouldBlock)
            {
                _operation.WouldBlock(seen);
                continue;
            }
            catch
            {
                _operation.Fail();
                throw;
            }
            var stream = new AsyncTcpStream(new EventedSocket(accepted));
            return _operation.Ready(stream, stream.Fd);
        }
        return _operation.Pending<AsyncTcpStream>();
    }

    /// <summary>Cancels a pending accept: its waker is removed from the reactor.</summary>
    public void Dispose() => _operation.Cancel(Direction.Read);
}
