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
        _operation = new IoOperation(socket, IoOperationKind.ReceiveFrom);
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">The receive failed.</exception>
    /// <exception cref="InvalidOperationException">Another receive on this socket is already waiting.</exception>
    public Poll<AsyncUdpReceiveResult> Poll(ref Context cx)
    {
        if (!_operation.TryBeginPoll(cx.Waker, out var io)) return Poll<AsyncUdpReceiveResult>.Pending;
        EndPoint sender = _family == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);
        bool done;
        int received;
        try
        {
            done = io.TryReceiveFrom(_operation.Socket.Socket, _buffer.Span, ref sender, cx.Waker, out received);
        }
        catch
        {
            _operation.Fail();
            throw;
        }
        return done
            ? _operation.Ready(new AsyncUdpReceiveResult(received, (IPEndPoint)sender), received)
            : _operation.Pending<AsyncUdpReceiveResult>();
    }

    /// <summary>Cancels a pending receive: its waker is removed from the reactor.</summary>
    public void Dispose() => _operation.Cancel();

    /// <summary>While pending: the descriptor and the readiness it waits for.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames) => _operation.CollectFrames(frames);
}
