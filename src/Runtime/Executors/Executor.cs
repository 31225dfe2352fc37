namespace AsyncGen;

/// <summary>Entry points for running futures: <see cref="BlockOn{T}(IFuture{T})"/> and <see cref="Spawn{T}(IFuture{T})"/>.</summary>
public static class Executor
{
    /// <summary>
    /// Runs <paramref name="future"/> to completion on a new <see cref="LocalExecutor"/> on this thread and returns
    /// its result (rethrowing its exception with the original stack trace). Tasks it spawned and that are still
    /// running afterwards are cancelled.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from inside a task: that would block its executor.</exception>
    public static T BlockOn<T>(IFuture<T> future) => BlockOn(future, System.Threading.Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Like <see cref="BlockOn{T}(IFuture{T})"/>, but throws <see cref="StalledTaskException"/> naming the task when it
    /// has not completed within <paramref name="limit"/> (the task is then cancelled: its future is disposed).
    /// </summary>
    /// <param name="future">The future to run.</param>
    /// <param name="limit">Any non-negative time, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative (and not infinite).</exception>
    public static T BlockOn<T>(IFuture<T> future, TimeSpan limit)
    {
        AsyncGen.Executors.BlockOnLimit.Validate(limit);
        if (LocalExecutor.Current is not null || WorkStealingExecutor.Current is not null)
            throw new InvalidOperationException(
                "Executor.BlockOn was called from inside a task, which would block its executor's thread. Await the future instead.");
        using var executor = new LocalExecutor();
        return executor.BlockOn(future, limit);
    }

    /// <summary>Spawns <paramref name="future"/> as a new task on the executor running the current task (tokio::spawn).</summary>
    /// <remarks>On a <see cref="WorkStealingExecutor"/> the new task may run on any of its threads.</remarks>
    /// <exception cref="InvalidOperationException">Not called from inside a task.</exception>
    public static JoinHandle<T> Spawn<T>(IFuture<T> future)
    {
        if (LocalExecutor.Current is { } local) return local.Spawn(future);
        if (WorkStealingExecutor.Current is { } shared) return shared.Spawn(future);
        throw new InvalidOperationException(
            "Executor.Spawn must be called from inside a task; outside of one, create a LocalExecutor or a " +
            "WorkStealingExecutor and call its Spawn.");
    }

    /// <summary>
    /// Spawns a struct future without a result — <c>Spawn(Time.Sleep(d))</c> — as one object: the task cell holding the
    /// future inline (<see cref="Future.Box{TFuture, T}"/>), where the <see cref="IFuture{T}"/> overload would box the
    /// struct first and then wrap the box in a cell.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not called from inside a task.</exception>
    public static JoinHandle<Unit> Spawn<TFuture>(TFuture future) where TFuture : struct, IFuture<Unit> =>
        Spawn(Future.Box<TFuture, Unit>(future));
}
