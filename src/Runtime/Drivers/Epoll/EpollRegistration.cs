using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers.Epoll;

/// <summary>
/// One descriptor registered with an <see cref="EpollDriver"/>: its <see cref="ScheduledIo"/> slot and the
/// generation that makes its epoll token unique. The operations are the base class's readiness loops; receive and
/// send make their syscall directly.
/// </summary>
/// <remarks>
/// Why <see cref="TryReceive"/> and <see cref="TrySend"/> call <c>recv</c>/<c>send</c> themselves instead of
/// <see cref="Socket.Receive(Span{byte}, SocketFlags, out SocketError)"/>: the echo profile at 1,000 connections
/// spends about a quarter of its user time in the layers between (<c>Socket</c>'s checks, <c>SocketPal</c>, a second
/// reference count on the handle inside the interop stub, the <c>System.Native</c> shim and its errno translation),
/// and each layer is another object or code page to bring into the cache per request. The syscall is the same one,
/// on the same non-blocking descriptor, with the handle referenced around it; errors map to the
/// <see cref="SocketError"/> .NET reports (<see cref="Errno"/>).
/// </remarks>
[DebuggerDisplay("EpollRegistration fd {Fd} (generation {_generation})")]
internal sealed class EpollRegistration : IoRegistration
{
    private readonly ScheduledIo _io;
    private readonly int _generation;
    private int _released;

    private readonly bool _isStream;

    /// <summary>A registration of <paramref name="fd"/> with its own readiness state <paramref name="io"/>.</summary>
    internal EpollRegistration(EpollDriver driver, ScheduledIo io, int slot, int generation, SafeHandle owner, int fd, bool isStream)
        : base(driver, owner, fd)
    {
        _isStream = isStream;
        _io = io;
        Slot = slot;
        _generation = generation;
    }

    /// <summary>The driver, typed (the base class's <see cref="IoRegistration.Driver"/>: no second field).</summary>
    private EpollDriver EpollDriver => (EpollDriver)Driver;

    /// <summary>The readiness state the driver's slab holds for this registration.</summary>
    internal ScheduledIo Io => _io;

    internal int Slot { get; }

    internal int Generation => _generation;

    internal ulong Token => EpollDriver.MakeToken(Slot, _generation);

    /// <summary>
    /// True with the readiness to try when <paramref name="direction"/> may be ready; otherwise stores
    /// <paramref name="waker"/> (registering write interest with epoll on first need) and returns false.
    /// </summary>
    public override bool PollReady(Direction direction, in Waker waker, out ReadyEvent seen)
    {
        if (_io.TryGetReady(direction, _generation, out seen)) return true;
        // EPOLLOUT is added only when a write first blocks: most sockets never fill their send buffer, and a
        // socket registered without it gets no EPOLLOUT edge (no spurious tick) when it becomes writable.
        // EPOLL_CTL_MOD reports a socket that is already writable again, so nothing is lost by adding it late.
        if (direction == Direction.Write && _io.TryAddWriteInterest(_generation))
        {
            try
            {
                EpollDriver.AddWriteInterest(this);
            }
            catch
            {
                _io.WriteInterestFailed(_generation);
                throw;
            }
        }
        if (_io.RegisterWaker(direction, _generation, waker, out seen)) return true;
        if (AsyncGenEventSource.Log.IsEnabled())
            AsyncGenEventSource.Log.InterestRegistered(Fd, direction == Direction.Read ? "readable" : "writable");
        return false;
    }

    /// <inheritdoc/>
    public override unsafe bool TryReceive(Socket socket, Span<byte> buffer, in Waker waker, out int received)
    {
        while (PollReady(Direction.Read, waker, out var seen))
        {
            int errno;
            fixed (byte* pointer = buffer) errno = Transfer(pointer, buffer.Length, receive: true, out received);
            if (errno == 0)
            {
                // A short read of a stream drained its receive queue: see IoRegistration.TryReceive.
                if (received > 0 && received < buffer.Length && _isStream) ClearReadiness(seen);
                return true;
            }
            if (errno != Libc.EAGAIN) throw Errno.ToSocketException(errno);
            WouldBlock("read", seen);
        }
        received = 0;
        return false;
    }

    /// <inheritdoc/>
    public override unsafe bool TrySend(Socket socket, ReadOnlySpan<byte> data, in Waker waker, out int sent)
    {
        while (PollReady(Direction.Write, waker, out var seen))
        {
            int errno;
            fixed (byte* pointer = data) errno = Transfer(pointer, data.Length, receive: false, out sent);
            if (errno == 0) return true;
            if (errno != Libc.EAGAIN) throw Errno.ToSocketException(errno);
            WouldBlock("write", seen);
        }
        sent = 0;
        return false;
    }

    /// <summary>
    /// One <c>recv</c> into, or <c>send</c> from, the caller's pinned memory (retried on EINTR) with the handle
    /// referenced: 0, or the errno.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket was closed.</exception>
    private unsafe int Transfer(byte* pointer, int length, bool receive, out int count)
    {
        bool added = false;
        try
        {
            Owner.DangerousAddRef(ref added);
            while (true)
            {
                nint result = receive
                    ? Libc.recv(Fd, pointer, (nuint)length, 0)
                    : Libc.send(Fd, pointer, (nuint)length, Libc.MSG_NOSIGNAL);
                if (result >= 0)
                {
                    count = (int)result;
                    return 0;
                }
                int errno = Marshal.GetLastSystemError(); // at once: recv/send are declared without SetLastError
                if (errno == Libc.EINTR) continue;
                count = 0;
                return errno;
            }
        }
        finally
        {
            if (added) Owner.DangerousRelease();
        }
    }

    /// <inheritdoc/>
    public override void ClearReadiness(in ReadyEvent seen) => _io.ClearReadiness(seen);

    /// <inheritdoc/>
    public override void Cancel(Direction direction) => _io.ClearWaker(direction, _generation);

    /// <inheritdoc/>
    public override bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Removes the descriptor from epoll and wakes waiting operations. Idempotent; call before closing the fd.</summary>
    public override void Deregister()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        EpollDriver.Deregister(this, _io, _generation);
    }
}
