using System.Diagnostics;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Diagnostics;

namespace AsyncGen.Net;

/// <summary>The future of <see cref="AsyncTcpListener.AcceptAsync"/>: the next incoming connection.</summary>
/// <remarks>
/// <para>Cancel-safe: disposing a pending accept loses no connection (it stays in the kernel's queue).</para>
/// <para>Out of descriptors or kernel memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), the first failure of a burst throws;
/// while the burst lasts, later accepts do not throw again but wait (5 ms doubling up to 1 s, as Go's HTTP server
/// does) and retry, so an accept loop that catches and retries neither spins nor floods its log, and the queued
/// connections are accepted once descriptors are free again (<see cref="AcceptBackoff"/>). A listener disposed
/// during such a wait is noticed when the wait ends.</para>
/// </remarks>
[DebuggerDisplay("Accept on fd {_operation.Socket.Fd}")]
public struct AcceptFuture : IFuture<AsyncTcpStream>, IAsyncFrameSource
{
    private readonly AcceptBackoff _backoff;
    private IoOperation _operation;
    private SleepFuture _retry;
    private bool _waitingToRetry;

    internal AcceptFuture(EventedSocket listener, AcceptBackoff backoff)
    {
        _backoff = backoff;
        _operation = new IoOperation(listener, IoOperationKind.Accept);
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The listener was disposed.</exception>
    /// <exception cref="SocketException">accept failed: out of file descriptors (once per burst, see remarks), or another error.</exception>
    /// <exception cref="InvalidOperationException">Another accept on this listener is pending.</exception>
    public Poll<AsyncTcpStream> Poll(ref Context cx)
    {
        if (_waitingToRetry)
        {
            if (_retry.Poll(ref cx).IsPending) return Poll<AsyncTcpStream>.Pending;
            _waitingToRetry = false;
        }
        while (true)
        {
            if (!_operation.TryBeginPoll(cx.Waker, out var io)) return Poll<AsyncTcpStream>.Pending;
            Socket? accepted;
            try
            {
                if (!io.TryAccept(_operation.Socket.Socket, cx.Waker, out accepted)) return _operation.Pending<AsyncTcpStream>();
            }
            catch (SocketException error) when (AcceptBackoff.IsResourceExhaustion(error.SocketErrorCode) && !_backoff.Failed(out var delay))
            {
                // A failure of a burst that already surfaced: the connection is still queued and the listener still
                // readable, so wait on a timer, not on the driver, then try again.
                IoOperation.FailedAttempt();
                _retry = Time.Sleep(delay);
                _waitingToRetry = true;
                if (_retry.Poll(ref cx).IsPending) return _operation.Pending<AsyncTcpStream>();
                _waitingToRetry = false;
                continue;
            }
            catch
            {
                _operation.Fail();
                throw;
            }
            _backoff.Succeeded();
            var stream = new AsyncTcpStream(new EventedSocket(accepted!));
            return _operation.Ready(stream, stream.Fd);
        }
    }

    /// <summary>Cancels a pending accept: its waker is removed from the driver (or its retry timer from the wheel).</summary>
    public void Dispose()
    {
        if (_waitingToRetry)
        {
            _waitingToRetry = false;
            _retry.Dispose();
        }
        _operation.Cancel();
    }

    /// <summary>While pending: the descriptor and the readiness it waits for.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames) => _operation.CollectFrames(frames);
}
