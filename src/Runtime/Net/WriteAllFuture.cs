using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Diagnostics;

namespace AsyncGen.Net;

/// <summary>
/// The future of <see cref="AsyncTcpStream.WriteAllAsync(ReadOnlyMemory{byte})"/>: completes once every byte was handed
/// to the kernel, waiting for buffer space as often as needed. Allocation-free.
/// </summary>
/// <remarks>Disposing it midway cancels the rest; how much was sent is then unknown to the caller (as with tokio's
/// <c>write_all</c>, it is not cancel-safe).</remarks>
[DebuggerDisplay("WriteAll {_written}/{_buffer.Length} bytes to fd {_operation.Socket.Fd}")]
public struct WriteAllFuture : IFuture<Unit>, IAsyncFrameSource
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private IoOperation _operation;
    private int _written;

    internal WriteAllFuture(EventedSocket socket, ReadOnlyMemory<byte> buffer)
    {
        _buffer = buffer;
        _operation = new IoOperation(socket, IoOperationKind.WriteAll);
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">A send failed (e.g. the peer reset the connection).</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another write of this socket is already waiting.</exception>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (!_operation.TryBeginPoll(cx.Waker, out var io)) return Poll<Unit>.Pending;
        try
        {
            while (_written < _buffer.Length)
            {
                if (!io.TrySend(_operation.Socket.Socket, _buffer.Span[_written..], cx.Waker, out int sent))
                    return _operation.Pending<Unit>();
                _written += sent;
            }
        }
        catch
        {
            _operation.Fail();
            throw;
        }
        return _operation.Ready(default(Unit), _written);
    }

    /// <summary>Cancels the remaining writes: the waker is removed from the reactor.</summary>
    public void Dispose() => _operation.Cancel();

    /// <summary>While pending: the descriptor and the readiness it waits for.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames) => _operation.CollectFrames(frames);
}
