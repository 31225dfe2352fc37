using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers;

/// <summary>
/// The resources one executor drives: its timer wheel and its I/O driver, which is also where its threads park
/// (tokio's <c>runtime/driver.rs</c>). Futures reach it through <see cref="Current"/>, set while the executor polls
/// tasks (tokio's runtime context). Executors and Time depend on this layer, never the other way round.
/// </summary>
internal sealed class Driver : IDisposable
{
    [ThreadStatic] private static Driver? t_current;

    private readonly IIoDriver? _io;

    private Driver(IIoDriver? io)
    {
        _io = io;
        Parker = io ?? (IParker)new ThreadParker();
        Timers.Parker = Parker;
    }

    /// <summary>The driver of the executor polling on this thread.</summary>
    public static Driver Current => t_current ?? throw new InvalidOperationException(
        "This future needs an AsyncGen executor (timers, I/O): poll it through Executor.BlockOn, " +
        "LocalExecutor.Spawn/Run or another AsyncGen executor, not by hand.");

    public TimerWheel Timers { get; } = new();

    public IParker Parker { get; }

    /// <summary>
    /// The driver for a new executor: the I/O driver <paramref name="options"/> (or the environment) choose, see
    /// <see cref="DriverFactory"/>. Where there is none, a <see cref="ThreadParker"/>, so timers and tasks still work
    /// and I/O fails with <see cref="PlatformNotSupportedException"/> (see <see cref="Io"/>).
    /// </summary>
    public static Driver Create(DriverOptions? options = null) => new(DriverFactory.Create(options ?? DriverOptions.Default));

    /// <summary>The I/O driver this executor parks in and its sockets register with.</summary>
    /// <exception cref="PlatformNotSupportedException">This system has no I/O driver.</exception>
    public IIoDriver Io => _io ?? throw NoIoDriver();

    /// <summary>Which I/O driver runs, or null when there is none.</summary>
    public IoDriverKind? Kind => _io?.Kind;

    private static PlatformNotSupportedException NoIoDriver() => new(
        $"AsyncGen has no I/O driver for {System.Runtime.InteropServices.RuntimeInformation.OSDescription}. " +
        "Timers and tasks work everywhere; sockets need Linux (epoll, io_uring) or the portable driver.");

    /// <summary>Makes this the driver of the calling thread until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        var previous = t_current;
        t_current = this;
        return new Scope(previous);
    }

    /// <summary>
    /// Waits for work: at most until the next timer deadline (or <paramref name="maxWaitMs"/>), then fires due timers.
    /// </summary>
    public void Park(int maxWaitMs = Timeout.Infinite)
    {
        long deadline = Timers.BeginPark();
        int wait = deadline == long.MaxValue ? maxWaitMs : (int)Math.Clamp(deadline - MonotonicClock.NowMs, 0, int.MaxValue);
        if (maxWaitMs != Timeout.Infinite) wait = wait == Timeout.Infinite ? maxWaitMs : Math.Min(wait, maxWaitMs);
        try
        {
            Parker.Park(wait);
        }
        finally
        {
            Timers.EndPark();
        }
        Timers.Advance(CoarseClock.Advance()); // the same clock; timer wakes get stamped with the time after the park
    }

    public void Dispose() => Parker.Dispose();

    /// <summary>Restores the previous driver of the thread.</summary>
    public readonly struct Scope(Driver? previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }
}
