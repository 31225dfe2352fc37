using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>An executor as its tasks see it.</summary>
internal interface ITaskScheduler
{
    /// <summary>Queues a task that just moved to <see cref="TaskState.Scheduled"/>. Called from any thread.</summary>
    void Schedule(ITaskCell task);

    /// <summary>Frees the waker slot of a task that completed. Executor thread only.</summary>
    void Release(ITaskCell task);

    /// <summary>The executor's counters, which task completions count in.</summary>
    ExecutorMetrics Metrics { get; }
}
