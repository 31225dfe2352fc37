using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Reactor;

namespace AsyncGen.Net;

/// <summary>The future of <see cref="UdpSocket.SendToAsync"/>: the byte count sent.</summary>
[DebuggerDisplay("SendTo {_remote} from fd {_socket.Fd}")]
public struct SendToFuture : IFuture<int>
{
    private readonly EventedSocket _socket;
    private readonly ReadOnlyMemory<byte> _datagram;
    private readonly IPEndPoint _remote;
    private IoRegistration? _io;
    private int _polls;
    private bool _done;

    internal SendToFuture(EventedSocket socket, ReadOnlyMemory<byte> datagram, IPEndPoint remote)
    {
        _socket = socket;
        _datagram = datagram;
        _remote = remote;
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">The send failed (e.g. the datagram is too large).</exception>
    public Poll<int> Poll(ref Context cx)
    {
        if (_done) throw IoOperation.PolledAfterReady(IoOperation.SendTo);
        _io = _socket.Registration;
        IoOperation.Polled(IoOperation.SendTo, _socket.Fd, ++_polls);
        while (_io.PollReady(Direction.Write, cx.Waker, out var seen))
        {
            try
            {
                int sent = _socket.Socket.SendTo(_datagram.Span, SocketFlags.None, _remote);
                _done = true;
                IoOperation.Ready(IoOperation.SendTo, _socket.Fd, _polls, sent);
                return Poll<int>.Ready(sent);
            }
            catch (SocketException error) when (error.SocketErrorCode == SocketError.WouldBlock)
            {
                IoOperation.WouldBlock(IoOperation.SendTo, _socket.Fd);
                _io.ClearReadiness(seen);
            }
            catch
            {
                _done = true;
                throw;
            }
        }
        IoOperation.Pending(IoOperation.SendTo, _socket.Fd);
        return Poll<int>.Pending;
    }

    /// <summary>Cancels a pending send: its waker is removed from the reactor.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _io?.ClearWaker(Direction.Write);
    }
}
