using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Diagnostics;

namespace AsyncGen.Net;

/// <summary>The future of <see cref="AsyncUdpSocket.ReceiveFromAsync"/>: one datagram's length and sender.</summary>
/// <remarks>Cancel-safe: disposing a pending receive loses no datagram.</remarks>
[DebuggerDisplay("ReceiveFrom on fd {_operation.Socket.Fd}")]
public struct ReceiveFromFuture : IFuture<AsyncUdpReceiveResult>, IAsyncFrameSource
{
    private readonly Memory<byte> _buffer;
    private readonly AddressFamily _family;
    private IoOperation _operation;

    internal ReceiveFromFuture(EventedSocket socket, Memory<byte> buffer, AddressFamily family)
    {
        _buffer = buffer;
        _family = family;
        _operation = IoOperation.Reading(socket, IoOperation.ReceiveFrom, "ReceiveFromAsync");
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">The receive failed.</exception>
    /// <exception cref="InvalidOperationException">Another receive on this socket is already waiting.</exception>
    public Poll<AsyncUdpReceiveResult> Poll(ref Context cx)
    {
        if (!_operation.TryBeginPoll(cx.Waker, out var io)) return Poll<AsyncUdpReceiveResult>.Pending;
        while (_operation.PollReady(io, cx.Waker, out var seen))
        {
            EndPoint sender = _family == AddressFamily.InterNetworkV6
                ? new IPEndPoint(IPAddress.IPv6Any, 0)
                : new IPEndPoint(IPAddress.Any, 0);
            int received;
            try
            {
                received = _operation.Socket.Socket.ReceiveFrom(_buffer.Span, SocketFlags.None, ref sender);
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
            return _operation.Ready(new AsyncUdpReceiveResult(received, (IPEndPoint)sender), received);
        }
        return _operation.Pending<AsyncUdpReceiveResult>();
    }

    /// <summary>Cancels a pending receive: its waker is removed from the reactor.</summary>
    public void Dispose() => _operation.Cancel();

    /// <summary>While pending: the descriptor and the readiness it waits for.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames) => _operation.CollectFrames(frames);
}
