using System.Diagnostics;

namespace AsyncGen;

/// <summary>
/// A value visible to a future and everything it awaits while <see cref="Scope{TResult}"/> polls it (tokio's
/// <c>task_local!</c>): the fast alternative to flowing the whole <see cref="ExecutionContext"/>.
/// </summary>
/// <remarks>
/// <para>Each poll of the scope future sets the value in a thread-static slot and restores the previous one
/// after, so nested scopes shadow, tasks never see each other's values, and a task moved to another worker sees
/// its value there. Nothing flows implicitly: a task spawned from inside a scope does not inherit the value (wrap
/// it in its own scope).</para>
/// <para>Costs: per poll, two thread-static array swaps; no allocation per poll (a value type is boxed once per
/// <see cref="Scope{TResult}"/> call; the per-thread slot array grows once per thread and task-local).</para>
/// </remarks>
/// <typeparam name="T">The value type.</typeparam>
[DebuggerDisplay("TaskLocal<{typeof(T).Name,nq}> #{_id}")]
public sealed class TaskLocal<T>
{
    private readonly int _id = TaskLocalSlots.NextId();

    /// <summary>The value of the innermost scope being polled on this thread.</summary>
    /// <exception cref="InvalidOperationException">No scope of this task-local is being polled here.</exception>
    public T Value => TryGetValue(out var value) ? value : throw new InvalidOperationException(
        $"This TaskLocal<{typeof(T).Name}> has no value here: read it inside a future run through local.Scope(value, future).");

    /// <summary>Gets the value of the innermost scope being polled on this thread, if any.</summary>
    public bool TryGetValue(out T value)
    {
        switch (TaskLocalSlots.Get(_id))
        {
            case null:
                value = default!;
                return false;
            case var boxed when ReferenceEquals(boxed, TaskLocalSlots.NullValue):
                value = default!;
                return true;
            case var boxed:
                value = (T)boxed;
                return true;
        }
    }

    /// <summary>A future that polls (and disposes) <paramref name="future"/> with this task-local set to
    /// <paramref name="value"/>.</summary>
    public TaskLocalFuture<T, TResult> Scope<TResult>(T value, IFuture<TResult> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        return new TaskLocalFuture<T, TResult>(_id, (object?)value ?? TaskLocalSlots.NullValue, future);
    }
}
