using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers;

/// <summary>
/// One socket registered with an <see cref="IIoDriver"/> (tokio's <c>Registration</c>): what socket futures call to
/// receive, send, accept or wait for readiness. Released once by <see cref="Deregister"/>, before the socket closes.
/// </summary>
/// <remarks>
/// <para>Two levels, so that one socket future runs on every driver:</para>
/// <list type="bullet">
/// <item><b>Operations</b> (<see cref="TryReceive"/>, <see cref="TrySend"/>, <see cref="TryAccept"/>): true with a
///   result, or false with the waker stored (the future returns Pending and is polled again after a wake). A
///   readiness driver implements them as the loop below over the socket's non-blocking syscall (the default here);
///   a completion driver submits the operation to the kernel and completes it from the completion queue, copying
///   between its own buffers and the caller's spans, so no caller memory is ever lent to the kernel.</item>
/// <item><b>Readiness</b> (<see cref="PollReady"/>, <see cref="ClearReadiness"/>): for the rarer operations
///   (connect, datagrams: <see cref="TryFinishConnect"/>, <see cref="TryReceiveFrom"/>, <see cref="TrySendTo"/>,
///   whose defaults are readiness loops) every driver can report readiness: epoll natively, io_uring through a
///   one-shot poll operation; the portable driver overrides those operations with System.Net.Sockets' own.</item>
/// </list>
/// <para>The readiness protocol (tokio's <c>poll_read_ready</c> + <c>clear_readiness</c>):
/// <code>
/// while (PollReady(direction, waker, out seen))   // false = waker stored, return Pending
/// {
///     syscall → success: Ready; EAGAIN: ClearReadiness(seen) and loop; other error: throw
/// }
/// </code>
/// One operation per direction at a time (one reader, one writer), as with tokio's <c>&amp;mut self</c> I/O: the
/// direction has one waker slot. Disposing a pending operation calls <see cref="Cancel"/>.</para>
/// </remarks>
[DebuggerDisplay("{GetType().Name,nq} fd {Fd}")]
internal abstract class IoRegistration(IIoDriver driver, SafeHandle owner, int fd)
{
    /// <summary>
    /// The driver this socket is registered with. A field, not a virtual property: every socket operation's poll
    /// compares it with the current executor's driver (<c>EventedSocket.Registration</c>).
    /// </summary>
    public IIoDriver Driver { get; } = driver;

    /// <summary>The registered descriptor.</summary>
    public int Fd { get; } = fd;

    /// <summary>The socket's handle: add a reference around every use of <see cref="Fd"/>.</summary>
    internal SafeHandle Owner { get; } = owner;

    /// <summary>
    /// The object that holds this registration and that an operation's poll reads before it calls in here (Net's
    /// <c>EventedSocket</c>), set once by it before it publishes the registration; null until then. Only a hint for
    /// prefetching: a completion driver asks the CPU for it when it dispatches a completion, so the woken task's
    /// first read of it does not wait for memory.
    /// </summary>
    internal object? Holder { get; set; }

    /// <summary>
    /// True with the readiness to try when <paramref name="direction"/> may be ready; otherwise stores
    /// <paramref name="waker"/> and returns false.
    /// </summary>
    public abstract bool PollReady(Direction direction, in Waker waker, out ReadyEvent seen);

    /// <summary>Clears readiness an operation saw before its syscall returned EAGAIN.</summary>
    public abstract void ClearReadiness(in ReadyEvent seen);

    /// <summary>
    /// Receives into <paramref name="buffer"/>: true with the byte count (0 = end of stream), false with the waker
    /// stored. Throws <see cref="SocketException"/> on errors.
    /// </summary>
    public virtual bool TryReceive(Socket socket, Span<byte> buffer, in Waker waker, out int received)
    {
        while (PollReady(Direction.Read, waker, out var seen))
        {
            received = socket.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                // A short read of a stream socket drained its receive queue (Linux's tcp_recvmsg returns as soon as
                // the queue is empty), so clear the readiness now: the next read then waits for the next epoll
                // edge instead of paying a recv that returns EAGAIN — one syscall less per request/response round
                // trip (tokio's PollEvented::poll_read does the same). Not for datagrams, where every receive is
                // one datagram whatever the queue holds, nor for 0 (end of stream), which stays readable.
                if (received > 0 && received < buffer.Length && socket.SocketType == SocketType.Stream)
                    ClearReadiness(seen);
                return true;
            }
            if (error != SocketError.WouldBlock) throw new SocketException((int)error);
            WouldBlock("read", seen);
        }
        received = 0;
        return false;
    }

    /// <summary>
    /// Sends some of <paramref name="data"/>: true with the byte count accepted (at least 1 for non-empty data),
    /// false with the waker stored. Throws <see cref="SocketException"/> on errors (EPIPE, ECONNRESET).
    /// </summary>
    public virtual bool TrySend(Socket socket, ReadOnlySpan<byte> data, in Waker waker, out int sent)
    {
        while (PollReady(Direction.Write, waker, out var seen))
        {
            sent = socket.Send(data, SocketFlags.None, out var error);
            if (error == SocketError.Success) return true;
            if (error != SocketError.WouldBlock) throw new SocketException((int)error);
            WouldBlock("write", seen);
        }
        sent = 0;
        return false;
    }

    /// <summary>
    /// Accepts a connection on a listening socket: true with it, false with the waker stored. Cancel-safe: a
    /// connection is never lost by a cancelled accept.
    /// </summary>
    public virtual bool TryAccept(Socket listener, in Waker waker, out Socket? accepted)
    {
        while (PollReady(Direction.Read, waker, out var seen))
        {
            try
            {
                // Socket.Accept has no non-throwing overload: EAGAIN costs an exception, once per burst of accepts.
                accepted = listener.Accept();
                return true;
            }
            catch (SocketException error) when (error.SocketErrorCode == SocketError.WouldBlock)
            {
                WouldBlock("accept", seen);
            }
        }
        accepted = null;
        return false;
    }

    /// <summary>
    /// Receives one datagram into <paramref name="buffer"/> (truncated to its length) with its sender: true with the
    /// byte count, false with the waker stored. Cancel-safe: a disposed receive loses no datagram.
    /// <paramref name="sender"/> comes in as an endpoint of the socket's address family (any address) and goes out
    /// as the datagram's sender.
    /// </summary>
    public virtual bool TryReceiveFrom(Socket socket, Span<byte> buffer, ref EndPoint sender, in Waker waker, out int received)
    {
        while (PollReady(Direction.Read, waker, out var seen))
        {
            try
            {
                received = socket.ReceiveFrom(buffer, SocketFlags.None, ref sender);
                return true;
            }
            catch (SocketException error) when (error.SocketErrorCode == SocketError.WouldBlock)
            {
                WouldBlock("recvfrom", seen);
            }
        }
        received = 0;
        return false;
    }

    /// <summary>Sends one datagram to <paramref name="remote"/>: true with the byte count, false with the waker stored.</summary>
    public virtual bool TrySendTo(Socket socket, ReadOnlySpan<byte> datagram, EndPoint remote, in Waker waker, out int sent)
    {
        while (PollReady(Direction.Write, waker, out var seen))
        {
            try
            {
                sent = socket.SendTo(datagram, SocketFlags.None, remote);
                return true;
            }
            catch (SocketException error) when (error.SocketErrorCode == SocketError.WouldBlock)
            {
                WouldBlock("sendto", seen);
            }
        }
        sent = 0;
        return false;
    }

    /// <summary>
    /// Finishes the connect <see cref="IIoDriver.Connect"/> started: true once connected, false with the waker stored.
    /// A readiness driver waits for write readiness, then reads <c>SO_ERROR</c>.
    /// </summary>
    /// <exception cref="SocketException">The connect failed (refused, unreachable, timed out).</exception>
    public virtual bool TryFinishConnect(Socket socket, in Waker waker)
    {
        if (!PollReady(Direction.Write, waker, out _)) return false;
        int error = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        if (error != 0) throw new SocketException(error);
        // .NET learns that its non-blocking connect completed when it is asked (Connected polls the socket);
        // ask once, so RemoteEndPoint and Connected are right from here on.
        if (!socket.Connected) throw new SocketException((int)SocketError.NotConnected);
        return true;
    }

    /// <summary>
    /// Shuts down one or both directions. A driver that buffers sends shuts the send side down only after the
    /// buffered bytes went out, so the peer reads them before end of stream.
    /// </summary>
    public virtual void Shutdown(Socket socket, SocketShutdown how) => socket.Shutdown(how);

    /// <summary>
    /// A pending operation in <paramref name="direction"/> was disposed: forget its waker so a later event wakes
    /// nobody. A completion driver also cancels what it submitted, keeping its buffers until the kernel is done.
    /// </summary>
    public abstract void Cancel(Direction direction);

    /// <summary>True once <see cref="Deregister"/> ran.</summary>
    public abstract bool IsReleased { get; }

    /// <summary>Removes the socket from the driver and wakes waiting operations. Idempotent; call before closing it.</summary>
    public abstract void Deregister();

    /// <summary>The syscall of <paramref name="operation"/> returned EAGAIN: report it, clear what it was tried on.</summary>
    protected void WouldBlock(string operation, in ReadyEvent seen)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.WouldBlock(operation, Fd);
        ClearReadiness(seen);
    }
}
