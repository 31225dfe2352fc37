using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Diagnostics;

namespace AsyncGen.Net;

/// <summary>
/// The future of <see cref="AsyncTcpStream.WriteAsync(ReadOnlyMemory{byte})"/> (and <see cref="AsyncUdpSocket.SendAsync"/>):
/// the number of bytes the kernel accepted, at least 1 for a non-empty buffer. Allocation-free.
/// </summary>
/// <remarks>Same protocol as <see cref="ReadFuture"/> in the write direction. Writing to a peer that has gone
/// throws a <see cref="SocketException"/> (EPIPE / ECONNRESET); the runtime ignores SIGPIPE, so the process lives.</remarks>
[DebuggerDisplay("Write {_buffer.Length} bytes to fd {_operation.Socket.Fd}")]
public struct WriteFuture : IFuture<int>, IAsyncFrameSource
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private IoOperation _operation;

    internal WriteFuture(EventedSocket socket, ReadOnlyMemory<byte> buffer, IoOperationKind kind)
    {
        _buffer = buffer;
        _operation = new IoOperation(socket, kind);
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">The send failed (e.g. the peer reset the connection).</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another write of this socket is already waiting.</exception>
    public Poll<int> Poll(ref Context cx)
    {
        // Nothing to send on a stream: done at once, even with a full send buffer. (An empty datagram is a message.)
        if (_buffer.IsEmpty && _operation.Socket.IsStream) return _operation.CompleteAtOnce(0);
        if (!_operation.TryBeginPoll(cx.Waker, out var io)) return Poll<int>.Pending;
        bool sentSome;
        int sent;
        try
        {
            sentSome = io.TrySend(_operation.Socket.Socket, _buffer.Span, cx.Waker, out sent);
        }
        catch
        {
            _operation.Fail();
            throw;
        }
        return sentSome ? _operation.Ready(sent, sent) : _operation.Pending<int>();
    }

    /// <summary>Cancels a pending write: its waker is removed from the reactor. Nothing was sent.</summary>
    public void Dispose() => _operation.Cancel();

    /// <summary>While pending: the descriptor and the readiness it waits for.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames) => _operation.CollectFrames(frames);
}
