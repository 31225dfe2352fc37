using System.Diagnostics;
using System.Runtime.InteropServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers.Epoll;

/// <summary>
/// One descriptor registered with an <see cref="EpollDriver"/>: its <see cref="ScheduledIo"/> slot and the
/// generation that makes its epoll token unique. The operations are the base class's readiness loops.
/// </summary>
[DebuggerDisplay("EpollRegistration fd {Fd} (generation {_generation})")]
internal sealed class EpollRegistration : IoRegistration
{
    private readonly EpollDriver _driver;
    private readonly ScheduledIo _io;
    private readonly int _generation;
    private int _released;

    internal EpollRegistration(EpollDriver driver, ScheduledIo io, int slot, int generation, SafeHandle owner, int fd)
        : base(owner, fd)
    {
        _driver = driver;
        _io = io;
        Slot = slot;
        _generation = generation;
    }

    public override IIoDriver Driver => _driver;

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
                _driver.AddWriteInterest(this);
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
    public override void ClearReadiness(in ReadyEvent seen) => _io.ClearReadiness(seen);

    /// <inheritdoc/>
    public override void Cancel(Direction direction) => _io.ClearWaker(direction, _generation);

    /// <inheritdoc/>
    public override bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Removes the descriptor from epoll and wakes waiting operations. Idempotent; call before closing the fd.</summary>
    public override void Deregister()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _driver.Deregister(this, _io, _generation);
    }
}
