namespace AsyncGen;

/// <summary>
/// Bridges between futures and <see cref="Task"/>s, both ways: <c>AsFuture()</c> lets a future wait for a Task or
/// ValueTask; <see cref="AsTask{T}(IFuture{T})"/> and <c>SpawnAsTask</c> let Task-based code await a future.
/// </summary>
/// <remarks>
/// <c>async Future</c> methods may also <c>await</c> a Task or ValueTask directly: generated machines and the
/// fallback builder both bridge it through an <see cref="AwaiterWakeRelay"/>, like <c>AsFuture()</c> does.
/// <para>The Task-producing half, which spawns on an executor, is in <c>Executors/TaskInterop.Spawn.cs</c>: the
/// combinators do not depend on a concrete executor.</para>
/// </remarks>
public static partial class TaskInterop
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
}
