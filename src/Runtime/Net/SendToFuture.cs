using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Diagnostics;

namespace AsyncGen.Net;

/// <summary>The future of <see cref="AsyncUdpSocket.SendToAsync"/>: the byte count sent.</summary>
[DebuggerDisplay("SendTo {_remote} from fd {_operation.Socket.Fd}")]
public struct SendToFuture : IFuture<int>, IAsyncFrameSource
{
    private readonly ReadOnlyMemory<byte> _datagram;
    private readonly IPEndPoint _remote;
    private IoOperation _operation;

    internal SendToFuture(EventedSocket socket, ReadOnlyMemory<byte> datagram, IPEndPoint remote)
    {
        _datagram = datagram;
        _remote = remote;
        _operation = new IoOperation(socket, IoOperationKind.SendTo);
    }

    /// <inheritdoc/>
    /// <exception cref="SocketException">The send failed (e.g. the datagram is too large).</exception>
    public Poll<int> Poll(ref Context cx)
    {
        if (!_operation.TryBeginPoll(cx.Waker, out var io)) return Poll<int>.Pending;
        bool done;
        int sent;
        try
        {
            done = io.TrySendTo(_operation.Socket.Socket, _datagram.Span, _remote, cx.Waker, out sent);
        }
        catch
        {
            _operation.Fail();
            throw;
        }
        return done ? _operation.Ready(sent, sent) : _operation.Pending<int>();
    }

    /// <summary>Cancels a pending send: its waker is removed from the reactor.</summary>
    public void Dispose() => _operation.Cancel();

    /// <summary>While pending: the descriptor and the readiness it waits for.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames) => _operation.CollectFrames(frames);
}
