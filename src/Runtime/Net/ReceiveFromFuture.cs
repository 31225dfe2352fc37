using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Reactor;

namespace AsyncGen.Net;

/// <summary>The future of <see cref="UdpSocket.ReceiveFromAsync"/>: one datagram's length and sender.</summary>
/// <remarks>Cancel-safe: disposing a pending receive loses no datagram.</remarks>
[DebuggerDisplay("ReceiveFrom on fd {_socket.Fd}")]
public struct ReceiveFromFuture : IFuture<UdpReceiveResult>
{
    private readonly EventedSocket _socket;
    private readonly Memory<byte> _buffer;
    private readonly AddressFamily _family;
    private IoRegistration? _io;
    private int _polls;
    private bool _done;

    internal ReceiveFromFuture(EventedSocket socket, Memory<byte> buffer, AddressFamily family)
    {
        _socket = socket;
        _buffer = buffer;
        _family = family;
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">The receive failed.</exception>
    public Poll<UdpReceiveResult> Poll(ref Context cx)
    {
        if (_done) throw IoOperation.PolledAfterReady(IoOperation.ReceiveFrom);
        _io = _socket.Registration;
        IoOperation.Polled(IoOperation.ReceiveFrom, _socket.Fd, ++_polls);
        while (_io.PollReady(Direction.Read, cx.Waker, out var seen))
        {
            try
            {
                EndPoint sender = _family == AddressFamily.InterNetworkV6
                    ? new IPEndPoint(IPAddress.IPv6Any, 0)
                    : new IPEndPoint(IPAddress.Any, 0);
                int received = _socket.Socket.ReceiveFrom(_buffer.Span, SocketFlags.None, ref sender);
                _done = true;
                IoOperation.Ready(IoOperation.ReceiveFrom, _socket.Fd, _polls, received);
                return Poll<UdpReceiveResult>.Ready(new UdpReceiveResult(received, (IPEndPoint)sender));
            }
            catch (SocketException error) when (error.SocketErrorCode == SocketError.WouldBlock)
            {
                IoOperation.WouldBlock(IoOperation.ReceiveFrom, _socket.Fd);
                _io.ClearReadiness(seen);
            }
            catch
            {
                _done = true;
                throw;
            }
        }
        IoOperation.Pending(IoOperation.ReceiveFrom, _socket.Fd);
        return Poll<UdpReceiveResult>.Pending;
    }

    /// <summary>Cancels a pending receive: its waker is removed from the reactor.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _io?.ClearWaker(Direction.Read);
    }
}
