using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Reactor;

namespace AsyncGen.Net;

/// <summary>
/// The future of <see cref="TcpStream.ReadAsync(Memory{byte})"/> (and <see cref="UdpSocket.ReceiveAsync"/>): the
/// number of bytes received, 0 at end of stream. Allocation-free.
/// </summary>
/// <remarks>
/// The seed's section 6, literally: try the non-blocking receive; on EAGAIN clear the stale readiness, store the
/// waker and re-check (<see cref="IoRegistration.PollReady"/>), return Pending; the reactor wakes the task when
/// epoll reports the socket readable, and the next poll receives. Disposing a pending read forgets its waker.
/// </remarks>
[DebuggerDisplay("Read {_buffer.Length} bytes from fd {_socket.Fd}")]
public struct ReadFuture : IFuture<int>
{
    private readonly EventedSocket _socket;
    private readonly Memory<byte> _buffer;
    private IoRegistration? _io;
    private int _polls;
    private bool _done;

    internal ReadFuture(EventedSocket socket, Memory<byte> buffer)
    {
        _socket = socket;
        _buffer = buffer;
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">The receive failed (e.g. connection reset).</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public Poll<int> Poll(ref Context cx)
    {
        if (_done) throw IoOperation.PolledAfterReady(IoOperation.Read);
        _io = _socket.Registration;
        IoOperation.Polled(IoOperation.Read, _socket.Fd, ++_polls);
        while (_io.PollReady(Direction.Read, cx.Waker, out var seen))
        {
            int received = _socket.Socket.Receive(_buffer.Span, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                _done = true;
                IoOperation.Ready(IoOperation.Read, _socket.Fd, _polls, received);
                return Poll<int>.Ready(received);
            }
            if (error != SocketError.WouldBlock)
            {
                _done = true;
                throw new SocketException((int)error);
            }
            IoOperation.WouldBlock(IoOperation.Read, _socket.Fd);
            _io.ClearReadiness(seen);
        }
        IoOperation.Pending(IoOperation.Read, _socket.Fd);
        return Poll<int>.Pending;
    }

    /// <summary>Cancels a pending read: its waker is removed from the reactor. No data is lost.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _io?.ClearWaker(Direction.Read);
    }
}
