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
    private ITaskCell?[] _tasks = new ITaskCell?[64];
    private readonly Stack<int> _free = new();
    private int _used;

    /// <summary>The executor that queues the tasks these wakers wake (tasks find it here, not in a field of their own).</summary>
    public ITaskScheduler Scheduler { get; } = scheduler;

    /// <summary>Number of live tasks.</summary>
    public int Count { get; private set; }

    /// <summary>Gives <paramref name="task"/> a slot and binds it to the waker that schedules it.</summary>
    public void Add(ITaskCell task)
    {
        if (!_free.TryPop(out int slot))
        {
            if (_used == _tasks.Length) Grow();
            slot = _used++;
        }
        task.Bind(new Waker(this, slot, unchecked((int)task.Id))); // before publishing, so Wake sees the generation
        Volatile.Write(ref _tasks[slot], task);
        Count++;
    }

    /// <summary>Frees the slot of a completed task: its wakers become stale.</summary>
    public void Remove(ITaskCell task)
    {
        int slot = task.Waker.Slot;
        // Checked in release builds too: freeing a slot twice would hand one slot to two later tasks.
        if (!ReferenceEquals(_tasks[slot], task))
            throw new InvalidOperationException($"Task '{task.Name}' was released twice.");
        Volatile.Write(ref _tasks[slot], null);
        _free.Push(slot);
        Count--;
    }

    /// <inheritdoc/>
    public void Wake(int slot, int generation)
    {
        var tasks = Volatile.Read(ref _tasks);
        if ((uint)slot >= (uint)tasks.Length) return;
        var task = Volatile.Read(ref tasks[slot]);
        if (task is not null && task.Waker.Generation == generation) task.Wake();
    }

    /// <summary>The live tasks, copied (completing one frees its slot).</summary>
    public List<ITaskCell> Snapshot()
    {
        var live = new List<ITaskCell>(Count);
        for (int i = 0; i < _used; i++)
        {
            if (_tasks[i] is { } task) live.Add(task);
        }
        return live;
    }

    private void Grow()
    {
        var tasks = new ITaskCell?[_tasks.Length * 2];
        Array.Copy(_tasks, tasks, _tasks.Length);
        Volatile.Write(ref _tasks, tasks);
    }
}
