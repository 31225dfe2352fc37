namespace AsyncGen;

/// <summary>The per-thread values of every <see cref="TaskLocal{T}"/>, by instance id.</summary>
/// <remarks>Non-generic on purpose: a [ThreadStatic] field of a generic class instantiated over reference types
/// needs a runtime lookup of the generic context on each access (measured ~8x slower per poll). Values are stored
/// boxed, boxed once per <c>Scope</c> call, not per poll.</remarks>
internal static class TaskLocalSlots
{
    /// <summary>Stands for a scope whose value is null (a null slot means "no scope").</summary>
    public static readonly object NullValue = new();

    private static int s_nextId = -1;

    [ThreadStatic] private static object?[]? t_values;

    public static int NextId() => Interlocked.Increment(ref s_nextId);

    /// <summary>The boxed value of task-local <paramref name="id"/> on this thread; null when no scope sets it.</summary>
    public static object? Get(int id)
    {
        var values = t_values;
        return values is not null && (uint)id < (uint)values.Length ? values[id] : null;
    }

    /// <summary>Stores <paramref name="value"/> for <paramref name="id"/> on this thread; returns what was there.</summary>
    public static object? Exchange(int id, object? value)
    {
        var values = t_values;
        if (values is null || id >= values.Length)
        {
            // Doubling, once per new id on a thread; never per poll.
            Array.Resize(ref values, Math.Max(8, Math.Max(id + 1, (values?.Length ?? 0) * 2)));
            t_values = values;
        }
        var previous = values[id];
        values[id] = value;
        return previous;
    }
}
