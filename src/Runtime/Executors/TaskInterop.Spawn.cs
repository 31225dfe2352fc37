using System.ComponentModel;

namespace AsyncGen;

// The half of TaskInterop that turns futures into Tasks by spawning them on an executor (the AsFuture half is in
// Combinators/TaskInterop.cs, which depends on no executor).
public static partial class TaskInterop
{
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

    /// <summary>Not a conversion: <paramref name="task"/> is already a Task. Await it (or return it) as it is.</summary>
    /// <remarks>
    /// Present so that the mistake gets this message: without it, <c>task.AsTask()</c> reported CS1061 ("no accessible
    /// extension method … are you missing a using directive?") and <c>TaskInterop.AsTask(task)</c> CS0411 ("type
    /// arguments cannot be inferred"), because the future overload was the only candidate. Inside an
    /// <c>async Future</c> method, <c>await task</c> directly (or <c>task.AsFuture()</c> for a future value).
    /// </remarks>
    [Obsolete(AlreadyATask, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static Task<T> AsTask<T>(this Task<T> task) => throw new NotSupportedException(AlreadyATask);

    /// <summary>Not a conversion: <paramref name="task"/> is already a Task. Await it (or return it) as it is.</summary>
    /// <remarks>See <see cref="AsTask{T}(Task{T})"/>.</remarks>
    [Obsolete(AlreadyATask, error: true)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static Task AsTask(this Task task) => throw new NotSupportedException(AlreadyATask);

    private const string AlreadyATask =
        "This is already a Task: await it as it is. AsTask() turns an AsyncGen future (IFuture<T>, Future<T>, a JoinHandle) " +
        "into a Task; inside an async Future method, await the Task directly, or call AsFuture() on it for a future value.";

    private static Task<T> SpawnAsTask<T>(IFuture<T> future, Func<IFuture<Unit>, JoinHandle<Unit>> spawn)
    {
        ArgumentNullException.ThrowIfNull(future);
        var source = new TaskSourceFuture<T>(future);
        spawn(source);
        return source.Task;
    }
}
