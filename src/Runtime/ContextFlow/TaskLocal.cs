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
/// <para>Costs: per poll, a thread-static array access and two struct copies; no allocation (the per-thread slot
/// array grows once per thread, to the number of <see cref="TaskLocal{T}"/> instances of that <typeparamref name="T"/>).</para>
/// </remarks>
/// <typeparam name="T">The value type.</typeparam>
[DebuggerDisplay("TaskLocal<{typeof(T).Name,nq}> #{_id}")]
public sealed class TaskLocal<T>
{
    private static int s_nextId = -1;
    private readonly int _id = Interlocked.Increment(ref s_nextId);

    /// <summary>The value of the innermost scope being polled on this thread.</summary>
    /// <exception cref="InvalidOperationException">No scope of this task-local is being polled here.</exception>
    public T Value => TryGetValue(out var value) ? value : throw new InvalidOperationException(
        $"This TaskLocal<{typeof(T).Name}> has no value here: read it inside a future run through local.Scope(value, future).");

    /// <summary>Gets the value of the innermost scope being polled on this thread, if any.</summary>
    public bool TryGetValue(out T value)
    {
        var slots = TaskLocalSlots<T>.Current;
        if (slots is not null && _id < slots.Length && slots[_id].IsSet)
        {
            value = slots[_id].Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>A future that polls (and disposes) <paramref name="future"/> with this task-local set to
    /// <paramref name="value"/>.</summary>
    public TaskLocalFuture<T, TResult> Scope<TResult>(T value, IFuture<TResult> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        return new TaskLocalFuture<T, TResult>(_id, value, future);
    }

    /// <summary>Swaps <paramref name="value"/> into this thread's slot for <paramref name="id"/>; returns the previous entry.</summary>
    internal static TaskLocalSlots<T>.Entry Enter(int id, T value)
    {
        ref var slot = ref TaskLocalSlots<T>.Slot(id);
        var previous = slot;
        slot = new TaskLocalSlots<T>.Entry(value);
        return previous;
    }

    /// <summary>Puts back the entry <see cref="Enter"/> replaced.</summary>
    internal static void Exit(int id, in TaskLocalSlots<T>.Entry previous) => TaskLocalSlots<T>.Slot(id) = previous;
}
