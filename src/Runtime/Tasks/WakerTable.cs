namespace AsyncGen.Tasks;

/// <summary>
/// A slab of task slots: the target of every <see cref="Waker"/> an executor hands out.
/// </summary>
/// <remarks>
/// A waker holds (table, slot, generation), not the task, so a stale waker keeps nothing alive and waking it
/// after its task completed is a cheap no-op: the slot is empty or holds another task. The generation is the low
/// 32 bits of the task's id, so the task need not store one of its own; two tasks of one slot whose ids are 2^32
/// apart would only see a spurious wake, which every future tolerates. Slots are added and freed by the
/// owning executor only; <see cref="Wake"/> runs on any thread and reads the slot array without a lock
/// (arrays only grow, and a task found in an old array is still rejected by its own state once complete).
/// </remarks>
internal sealed class WakerTable(ITaskScheduler scheduler) : IWakeTarget
{
    /// <summary>
    /// A slot: the task and its generation (kept here so that a wake checks it without calling into the task), or,
    /// while free, the next free slot. A struct, so storing a task is a plain write: an array of an interface type
    /// would run the covariant array-store check on every spawn.
    /// </summary>
    private struct Slot
    {
        public ITaskCell? Task;
        public int Generation;
        public int NextFree;
    }

    private Slot[] _slots = new Slot[64];
    private int _freeHead = -1; // a free list threaded through the slots, -1 when empty
    private int _used;

    /// <summary>The executor that queues the tasks these wakers wake (tasks find it here, not in a field of their own).</summary>
    public ITaskScheduler Scheduler { get; } = scheduler;

    /// <summary>Number of live tasks.</summary>
    public int Count { get; private set; }

    /// <summary>Gives <paramref name="task"/> a slot and binds it to the waker that schedules it.</summary>
    public void Add(ITaskCell task)
    {
        int slot = _freeHead;
        if (slot >= 0) _freeHead = _slots[slot].NextFree;
        else
        {
            if (_used == _slots.Length) Grow();
            slot = _used++;
        }
        int generation = unchecked((int)task.Id);
        task.Bind(new Waker(this, slot, generation)); // before publishing, so Wake sees the generation
        ref var entry = ref _slots[slot];
        entry.Generation = generation;
        Volatile.Write(ref entry.Task, task); // publishes the generation written above
        Count++;
    }

    /// <summary>Frees the slot of a completed task: its wakers become stale.</summary>
    public void Remove(ITaskCell task)
    {
        int slot = task.Waker.Slot;
        ref var entry = ref _slots[slot];
        // Checked in release builds too: freeing a slot twice would hand one slot to two later tasks.
        if (!ReferenceEquals(entry.Task, task))
            throw new InvalidOperationException($"Task '{task.Name}' was released twice.");
        Volatile.Write(ref entry.Task, null);
        entry.NextFree = _freeHead;
        _freeHead = slot;
        Count--;
    }

    /// <inheritdoc/>
    public void Wake(int slot, int generation)
    {
        var slots = Volatile.Read(ref _slots);
        if ((uint)slot >= (uint)slots.Length) return;
        ref var entry = ref slots[slot];
        // Task first (acquire), then the generation Add wrote before publishing it: a slot reused meanwhile shows
        // the newer generation, and the stale waker is rejected.
        var task = Volatile.Read(ref entry.Task);
        if (task is not null && entry.Generation == generation) task.Wake();
    }

    /// <summary>The live tasks, copied (completing one frees its slot).</summary>
    public List<ITaskCell> Snapshot()
    {
        var live = new List<ITaskCell>(Count);
        var slots = Volatile.Read(ref _slots);
        for (int i = 0; i < _used; i++)
        {
            if (Volatile.Read(ref slots[i].Task) is { } task) live.Add(task);
        }
        return live;
    }

    private void Grow()
    {
        var slots = new Slot[_slots.Length * 2];
        Array.Copy(_slots, slots, _slots.Length);
        Volatile.Write(ref _slots, slots);
    }
}
