namespace AsyncGen;

/// <summary>
/// Bridges between futures and <see cref="Task"/>s, both ways: <c>AsFuture()</c> lets a future wait for a Task or
/// ValueTask; <see cref="AsTask{T}"/> and <c>SpawnAsTask</c> let Task-based code await a future.
/// </summary>
/// <remarks>
/// <c>async Future</c> methods may also <c>await</c> a Task or ValueTask directly: generated machines and the
/// fallback builder both bridge it through an <see cref="AwaiterWakeRelay"/>, like <c>AsFuture()</c> does.
/// </remarks>
public static class TaskInterop
{
    /// <summary>Waits for <paramref name="task"/> without blocking a thread; see <see cref="ValueTaskFuture{T}"/>.</summary>
    public static ValueTaskFuture<T> AsFuture<T>(this Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new ValueTaskFuture<T>(new ValueTask<T>(task));
    }

    /// <summary>Waits for <paramref name="task"/> without blocking a thread; see <see cref="ValueTaskFuture"/>.</summary>
    public static ValueTaskFuture AsFuture(this Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new ValueTaskFuture(new ValueTask(task));
    }

    /// <summary>Waits for <paramref name="operation"/> without blocking a thread. Consume it only through the future.</summary>
    public static ValueTaskFuture<T> AsFuture<T>(this ValueTask<T> operation) => new(operation);

    /// <summary>Waits for <paramref name="operation"/> without blocking a thread. Consume it only through the future.</summary>
    public static ValueTaskFuture AsFuture(this ValueTask operation) => new(operation);

    /// <summary>
    /// Spawns <paramref name="future"/> on <paramref name="executor"/> and returns a Task of its outcome: its result,
    /// the very exception it threw, or cancelled if the task is aborted, the executor disposed first, or the future
    /// threw an <see cref="OperationCanceledException"/> (as an <c>async Task</c> method is).
    /// </summary>
    /// <remarks>The executor must run (<c>Run</c>/<c>BlockOn</c>) for the Task to complete; the same thread rules
    /// as <see cref="LocalExecutor.Spawn{T}(IFuture{T})"/> apply.</remarks>
    public static Task<T> SpawnAsTask<T>(this LocalExecutor executor, IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(executor);
        return SpawnAsTask(future, executor.Spawn);
    }

    /// <summary>
    /// Spawns <paramref name="future"/> on <paramref name="executor"/> (from any thread) and returns a Task of its
    /// outcome: its result, the very exception it threw, or cancelled if the task is aborted, the executor disposed,
    /// or the future threw an <see cref="OperationCanceledException"/> (as an <c>async Task</c> method is).
    /// </summary>
    public static Task<T> SpawnAsTask<T>(this WorkStealingExecutor executor, IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(executor);
        return SpawnAsTask(future, executor.Spawn);
    }

    /// <summary>
    /// Runs <paramref name="future"/> and returns a Task of its outcome (result, the very exception it threw, or
    /// cancelled for an <see cref="OperationCanceledException"/>, as <c>SpawnAsTask</c>).
    /// Inside a task it is spawned on the current executor (<see cref="Executor.Spawn{T}(IFuture{T})"/>); elsewhere it runs on a
    /// new <see cref="LocalExecutor"/> on a dedicated thread.
    /// </summary>
    /// <remarks>Outside an executor this costs a thread for the future's lifetime: prefer <c>SpawnAsTask</c> on an
    /// executor you run.</remarks>
    public static Task<T> AsTask<T>(this IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        if (LocalExecutor.Current is not null || WorkStealingExecutor.Current is not null)
            return SpawnAsTask(future, Executor.Spawn);
        var source = new TaskSourceFuture<T>(future);
        Task.Factory.StartNew(
            static source => ((TaskSourceFuture<T>)source!).BlockOn(),
            source,
            CancellationToken.None,
            TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
            TaskScheduler.Default);
        return source.Task;
    }

    private static Task<T> SpawnAsTask<T>(IFuture<T> future, Func<IFuture<Unit>, JoinHandle<Unit>> spawn)
    {
        ArgumentNullException.ThrowIfNull(future);
        var source = new TaskSourceFuture<T>(future);
        spawn(source);
        return source.Task;
    }
}
