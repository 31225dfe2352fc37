namespace AsyncGen;

/// <summary>The per-thread values of every <see cref="TaskLocal{T}"/> of one <typeparamref name="T"/>, by instance id.</summary>
internal static class TaskLocalSlots<T>
{
    [ThreadStatic] private static Entry[]? t_slots;

    public static Entry[]? Current => t_slots;

    /// <summary>The slot of task-local <paramref name="id"/> on this thread; grows the array the first time only.</summary>
    public static ref Entry Slot(int id)
    {
        var slots = t_slots;
        if (slots is null || id >= slots.Length)
        {
            // Doubling: a thread sees few task-locals of one type; growth happens once per new id, never per poll.
            Array.Resize(ref slots, Math.Max(4, Math.Max(id + 1, (slots?.Length ?? 0) * 2)));
            t_slots = slots;
        }
        return ref slots[id];
    }

    /// <summary>A value and whether a scope set it (a default <typeparamref name="T"/> is a valid value).</summary>
    public readonly struct Entry(T value)
    {
        public T Value { get; } = value;

        public bool IsSet { get; } = true;
    }
}
