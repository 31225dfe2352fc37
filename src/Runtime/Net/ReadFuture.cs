using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Diagnostics;

namespace AsyncGen.Net;

/// <summary>
/// The future of <see cref="AsyncTcpStream.ReadAsync(Memory{byte})"/> (and <see cref="AsyncUdpSocket.ReceiveAsync"/>): the
/// number of bytes received, 0 at end of stream. Allocation-free.
/// </summary>
/// <remarks>
/// The seed's section 6, literally: try the non-blocking receive; on EAGAIN clear the stale readiness, store the
/// waker and re-check (<see cref="IoRegistration.PollReady"/>), return Pending; the reactor wakes the task when
/// epoll reports the socket readable, and the next poll receives. Disposing a pending read forgets its waker.
/// </remarks>
[DebuggerDisplay("Read {_buffer.Length} bytes from fd {_operation.Socket.Fd}")]
public struct ReadFuture : IFuture<int>, IAsyncFrameSource
{
    private readonly Memory<byte> _buffer;
    private IoOperation _operation;

    internal ReadFuture(EventedSocket socket, Memory<byte> buffer, IoOperationKind kind)
    {
        _buffer = buffer;
        _operation = new IoOperation(socket, kind);
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">The receive failed (e.g. connection reset).</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another read of this socket is pending.</exception>
    public Poll<int> Poll(ref Context cx)
    {
        // An empty buffer on a stream: nothing to receive, so nothing to wait for (a 0 here would otherwise arrive
        // only once the peer sends, and look like end of stream). A datagram socket receives (and drops) a datagram.
        if (_buffer.IsEmpty && _operation.Socket.IsStream) return _operation.CompleteAtOnce(0);
        if (!_operation.TryBeginPoll(cx.Waker, out var io)) return Poll<int>.Pending;
        bool done;
        int received;
        try
        {
            done = io.TryReceive(_operation.Socket.Socket, _buffer.Span, cx.Waker, out received);
        }
        catch
        {
            _operation.Fail();
            throw;
        }
        return done ? _operation.Ready(received, received) : _operation.Pending<int>();
    }

    /// <summary>Cancels a pending read: its waker is removed from the reactor. No data is lost.</summary>
    public void Dispose() => _operation.Cancel();

    /// <summary>While pending: the descriptor and the readiness it waits for.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames) => _operation.CollectFrames(frames);
}
