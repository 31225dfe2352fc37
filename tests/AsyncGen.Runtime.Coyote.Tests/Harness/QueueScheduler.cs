using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Coyote.Tests.Harness;

/// <summary>An executor reduced to its queue: tasks that wakers schedule, run one at a time by an executor thread.</summary>
internal sealed class QueueScheduler : ITaskScheduler
{
    private readonly WakerTable _table;

    public QueueScheduler() => _table = new WakerTable(this);

    public Queue<ITaskCell> Ready { get; } = new();

    /// <summary>Set when a task was queued while already queued (a double poll waiting to happen).</summary>
    public string? Violation { get; private set; }

    public ExecutorMetrics Metrics { get; } = new("coyote", threads: 1, () => 0, () => 0, _ => 0);

    public ITaskCell<T> Spawn<T>(IFuture<T> future)
    {
        var task = TaskCell.Claim(future);
        _table.Add(task);
        return task;
    }

    public void Schedule(ITaskCell task)
    {
        if (Ready.Contains(task)) Violation ??= $"{task.Name} was queued twice";
        if (task.IsComplete) Violation ??= $"{task.Name} was queued after it completed";
        Ready.Enqueue(task);
    }

    public void Release(ITaskCell task, int slot) => _table.Remove(task, slot);

    /// <summary>Runs the next queued task, if any.</summary>
    public bool RunOne()
    {
        if (!Ready.TryDequeue(out var task)) return false;
        task.Run();
        return true;
    }
}
