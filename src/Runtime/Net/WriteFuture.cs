using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Reactor;

namespace AsyncGen.Net;

/// <summary>
/// The future of <see cref="TcpStream.WriteAsync(ReadOnlyMemory{byte})"/> (and <see cref="UdpSocket.SendAsync"/>):
/// the number of bytes the kernel accepted, at least 1 for a non-empty buffer. Allocation-free.
/// </summary>
/// <remarks>Same protocol as <see cref="ReadFuture"/> in the write direction. Writing to a peer that has gone
/// throws a <see cref="SocketException"/> (EPIPE / ECONNRESET); the runtime ignores SIGPIPE, so the process lives.</remarks>
[DebuggerDisplay("Write {_buffer.Length} bytes to fd {_socket.Fd}")]
public struct WriteFuture : IFuture<int>
{
    private readonly EventedSocket _socket;
    private readonly ReadOnlyMemory<byte> _buffer;
    private IoRegistration? _io;
    private int _polls;
    private bool _done;

    internal WriteFuture(EventedSocket socket, ReadOnlyMemory<byte> buffer)
    {
        _socket = socket;
        _buffer = buffer;
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">The send failed (e.g. the peer reset the connection).</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public Poll<int> Poll(ref Context cx)
    {
        if (_done) throw IoOperation.PolledAfterReady(IoOperation.Write);
        _io = _socket.Registration;
        IoOperation.Polled(IoOperation.Write, _socket.Fd, ++_polls);
        if (SocketWrites.TrySend(_socket, _io, _buffer.Span, cx.Waker, out int sent))
        {
            _done = true;
            IoOperation.Ready(IoOperation.Write, _socket.Fd, _polls, sent);
            return Poll<int>.Ready(sent);
        }
        IoOperation.Pending(IoOperation.Write, _socket.Fd);
        return Poll<int>.Pending;
    }

    /// <summary>Cancels a pending write: its waker is removed from the reactor. Nothing was sent.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _io?.ClearWaker(Direction.Write);
    }
}
