using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Reactor;

namespace AsyncGen.Net;

/// <summary>The future of <see cref="TcpListener.AcceptAsync"/>: the next incoming connection.</summary>
/// <remarks>Cancel-safe: disposing a pending accept loses no connection (it stays in the kernel's queue).</remarks>
[DebuggerDisplay("Accept on fd {_listener.Fd}")]
public struct AcceptFuture : IFuture<TcpStream>
{
    private readonly EventedSocket _listener;
    private IoRegistration? _io;
    private int _polls;
    private bool _done;

    internal AcceptFuture(EventedSocket listener) => _listener = listener;

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The listener was disposed.</exception>
    /// <exception cref="SocketException">accept failed (e.g. out of file descriptors).</exception>
    public Poll<TcpStream> Poll(ref Context cx)
    {
        if (_done) throw IoOperation.PolledAfterReady(IoOperation.Accept);
        _io = _listener.Registration;
        IoOperation.Polled(IoOperation.Accept, _listener.Fd, ++_polls);
        while (_io.PollReady(Direction.Read, cx.Waker, out var seen))
        {
            Socket accepted;
            try
            {
                // Socket.Accept has no non-throwing overload: EAGAIN costs an exception, once per burst of accepts.
                accepted = _listener.Socket.Accept();
            }
            catch (SocketException error) when (error.SocketErrorCode == SocketError.WouldBlock)
            {
                IoOperation.WouldBlock(IoOperation.Accept, _listener.Fd);
                _io.ClearReadiness(seen);
                continue;
            }
            catch
            {
                _done = true;
                throw;
            }
            _done = true;
            var stream = new TcpStream(new EventedSocket(accepted));
            IoOperation.Ready(IoOperation.Accept, _listener.Fd, _polls, stream.Fd);
            return Poll<TcpStream>.Ready(stream);
        }
        IoOperation.Pending(IoOperation.Accept, _listener.Fd);
        return Poll<TcpStream>.Pending;
    }

    /// <summary>Cancels a pending accept: its waker is removed from the reactor.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _io?.ClearWaker(Direction.Read);
    }
}
