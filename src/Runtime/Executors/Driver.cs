using AsyncGen.Reactor;

namespace AsyncGen.Executors;

/// <summary>
/// The resources one executor thread drives: its timer wheel and its parker (the epoll reactor on Linux).
/// Futures reach it through <see cref="Current"/>, set while the executor polls tasks (tokio's runtime context).
/// </summary>
internal sealed class Driver : IDisposable
{
    [ThreadStatic] private static Driver? t_current;

    private Driver(IParker parker)
    {
        Parker = parker;
        Timers.Parker = parker;
    }

    /// <summary>The driver of the executor polling on this thread.</summary>
    public static Driver Current => t_current ?? throw new InvalidOperationException(
        "This future needs an AsyncGen executor (timers, I/O): poll it through Executor.BlockOn, " +
        "LocalExecutor.Spawn/Run or another AsyncGen executor, not by hand.");

    public TimerWheel Timers { get; } = new();

    public IParker Parker { get; }

    /// <summary>The driver for a new executor thread.</summary>
    public static Driver Create() => new(CreateParker());

    /// <summary>
    /// The epoll reactor on Linux; elsewhere a <see cref="ThreadParker"/>, so timers and tasks still work and I/O
    /// fails with <see cref="PlatformNotSupportedException"/> (see <see cref="Reactor"/>).
    /// </summary>
    private static IParker CreateParker() => OperatingSystem.IsLinux() ? new EpollReactor() : new ThreadParker();

    /// <summary>The I/O reactor this executor parks in.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux: there is no epoll reactor.</exception>
    public EpollReactor Reactor => Parker as EpollReactor ?? throw EpollReactor.NotSupported();

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
        int wait = deadline == long.MaxValue ? maxWaitMs : (int)Math.Clamp(deadline - Time.NowMs, 0, int.MaxValue);
        if (maxWaitMs != Timeout.Infinite) wait = wait == Timeout.Infinite ? maxWaitMs : Math.Min(wait, maxWaitMs);
        try
        {
            Parker.Park(wait);
        }
        finally
        {
            Timers.EndPark();
        }
        Timers.Advance(Time.NowMs);
    }

    public void Dispose() => Parker.Dispose();

    /// <summary>Restores the previous driver of the thread.</summary>
    public readonly struct Scope(Driver? previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }
}
