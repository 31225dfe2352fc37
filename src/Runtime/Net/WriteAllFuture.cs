using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Reactor;

namespace AsyncGen.Net;

/// <summary>
/// The future of <see cref="TcpStream.WriteAllAsync(ReadOnlyMemory{byte})"/>: completes once every byte was handed
/// to the kernel, waiting for buffer space as often as needed. Allocation-free.
/// </summary>
/// <remarks>Disposing it midway cancels the rest; how much was sent is then unknown to the caller (as with tokio's
/// <c>write_all</c>, it is not cancel-safe).</remarks>
[DebuggerDisplay("WriteAll {_written}/{_buffer.Length} bytes to fd {_socket.Fd}")]
public struct WriteAllFuture : IFuture<Unit>
{
    private readonly EventedSocket _socket;
    private readonly ReadOnlyMemory<byte> _buffer;
    private IoRegistration? _io;
    private int _written;
    private int _polls;
    private bool _done;

    internal WriteAllFuture(EventedSocket socket, ReadOnlyMemory<byte> buffer)
    {
        _socket = socket;
        _buffer = buffer;
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">A send failed (e.g. the peer reset the connection).</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (_done) throw IoOperation.PolledAfterReady(IoOperation.Write);
        _io = _socket.Registration;
        IoOperation.Polled(IoOperation.Write, _socket.Fd, ++_polls);
        try
        {
            while (_written < _buffer.Length)
            {
                if (!SocketWrites.TrySend(_socket, _io, _buffer.Span[_written..], cx.Waker, out int sent))
                {
                    IoOperation.Pending(IoOperation.Write, _socket.Fd);
                    return Poll<Unit>.Pending;
                }
                _written += sent;
            }
        }
        catch
        {
            _done = true;
            throw;
        }
        _done = true;
        IoOperation.Ready(IoOperation.Write, _socket.Fd, _polls, _written);
        return Poll<Unit>.Ready(default);
    }

    /// <summary>Cancels the remaining writes: the waker is removed from the reactor.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _io?.ClearWaker(Direction.Write);
    }
}
