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

    private Driver(IIoDriver io)
    {
        Io = io;
        Timers.Parker = io;
    }

    /// <summary>The driver of the executor polling on this thread.</summary>
    /// <exception cref="InvalidOperationException">No executor polls on this thread.</exception>
    public static Driver Current => t_current ?? throw NoExecutor();

    /// <summary>
    /// The driver of the executor polling on this thread, or null: one thread-static read the JIT inlines (a getter
    /// that throws is not inlined), for the check every socket operation makes on each poll.
    /// </summary>
    public static Driver? CurrentOrNull => t_current;

    /// <summary>The exception for a future that needs a driver, polled outside an executor.</summary>
    public static InvalidOperationException NoExecutor() => new(
        "This future needs an AsyncGen executor (timers, I/O): poll it through Executor.BlockOn, " +
        "LocalExecutor.Spawn/Run or another AsyncGen executor, not by hand.");

    public TimerWheel Timers { get; } = new();

    /// <summary>Where the executor's threads park: the I/O driver.</summary>
    public IParker Parker => Io;

    /// <summary>
    /// The driver for a new executor: the I/O driver <paramref name="options"/> (or the environment) choose, see
    /// <see cref="DriverFactory"/>. Every operating system .NET runs on has one (the portable driver at least).
    /// </summary>
    public static Driver Create(DriverOptions? options = null) => new(DriverFactory.Create(options ?? DriverOptions.Default));

    /// <summary>The I/O driver this executor parks in and its sockets register with.</summary>
    public IIoDriver Io { get; }

    /// <summary>Which I/O driver runs.</summary>
    public IoDriverKind Kind => Io.Kind;

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
