using System.Diagnostics;
using System.Runtime.InteropServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Reactor;

/// <summary>
/// One descriptor registered with an <see cref="EpollReactor"/> (tokio's <c>Registration</c>): what socket
/// operations use to wait for readiness. Released once by <see cref="Deregister"/>, before the descriptor closes.
/// </summary>
/// <remarks>
/// The operation protocol (tokio's <c>poll_read_ready</c> + <c>clear_readiness</c>):
/// <code>
/// while (PollReady(direction, waker, out seen))   // false = waker stored, return Pending
/// {
///     syscall → success: Ready; EAGAIN: ClearReadiness(seen) and loop; other error: throw
/// }
/// </code>
/// One operation per direction at a time (one reader, one writer), as with tokio's <c>&amp;mut self</c> I/O: the
/// direction has one waker slot, and a second operation that would wait there throws.
/// </remarks>
[DebuggerDisplay("IoRegistration fd {Fd} (generation {_generation})")]
internal sealed class IoRegistration
{
    private readonly ScheduledIo _io;
    private readonly int _generation;
    private readonly SafeHandle _owner;
    private int _released;

    internal IoRegistration(EpollReactor reactor, ScheduledIo io, int slot, int generation, SafeHandle owner, int fd)
    {
        Reactor = reactor;
        _io = io;
        Slot = slot;
        _generation = generation;
        _owner = owner;
        Fd = fd;
    }

    public EpollReactor Reactor { get; }

    /// <summary>The registered descriptor.</summary>
    public int Fd { get; }

    internal int Slot { get; }

    internal int Generation => _generation;

    internal ulong Token => EpollReactor.MakeToken(Slot, _generation);

    internal SafeHandle Owner => _owner;

    /// <summary>
    /// True with the readiness to try when <paramref name="direction"/> may be ready; otherwise stores
    /// <paramref name="waker"/> (registering write interest with epoll on first need) and returns false.
    /// <paramref name="waiterId"/> identifies the operation once it has waited (0 before; see
    /// <see cref="ScheduledIo.RegisterWaker"/>); <paramref name="method"/> names it in the misuse message.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another operation already waits in this direction.</exception>
    public bool PollReady(Direction direction, in Waker waker, ref int waiterId, string method, out ReadyEvent seen)
    {
        if (_io.TryGetReady(direction, _generation, out seen)) return true;
        // EPOLLOUT is added only when a write first blocks: most sockets never fill their send buffer, and a
        // socket registered without it gets no EPOLLOUT edge (no spurious tick) when it becomes writable.
        // EPOLL_CTL_MOD reports a socket that is already writable again, so nothing is lost by adding it late.
        if (direction == Direction.Write && _io.TryAddWriteInterest(_generation))
        {
            try
            {
                Reactor.AddWriteInterest(this);
            }
            catch
            {
                _io.WriteInterestFailed(_generation);
                throw;
            }
        }
        if (_io.RegisterWaker(direction, _generation, waker, ref waiterId, method, out seen)) return true;
        if (AsyncGenEventSource.Log.IsEnabled())
            AsyncGenEventSource.Log.InterestRegistered(Fd, direction == Direction.Read ? "readable" : "writable");
        return false;
    }

    /// <summary>Clears readiness an operation saw before its syscall returned EAGAIN.</summary>
    public void ClearReadiness(in ReadyEvent seen) => _io.ClearReadiness(seen);

    /// <summary>An operation that waited completed or was disposed: frees the direction for the next one.</summary>
    public void ReleaseWaiter(Direction direction, int waiterId) => _io.ReleaseWaiter(direction, _generation, waiterId);

    /// <summary>True once <see cref="Deregister"/> ran.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Removes the descriptor from epoll and wakes waiting operations. Idempotent; call before closing the fd.</summary>
    public void Deregister()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        Reactor.Deregister(this, _io, _generation);
    }
}
