using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>An executor as its tasks see it.</summary>
internal interface ITaskScheduler
{
    /// <summary>Queues a task that just moved to <see cref="TaskState.Scheduled"/>. Called from any thread.</summary>
    void Schedule(ITaskCell task);

    /// <summary>
    /// Queues a task whose poll just returned Pending after it was woken or yielded during that poll; called by the
    /// thread that polled it (the executor's, so no thread check is needed). <paramref name="yielded"/>: the task
    /// yielded (<see cref="Context"/>'s yield), so it goes behind the tasks already ready, never into a LIFO slot.
    /// </summary>
    /// <remarks>Both executors queue a yield behind the others themselves; this default (test schedulers) has one queue.</remarks>
    void ScheduleAfterPoll(ITaskCell task, bool yielded) => Schedule(task);

    /// <summary>Frees the waker slot (<paramref name="slot"/>) of a task that completed. Executor thread only.</summary>
    void Release(ITaskCell task, int slot);

    /// <summary>The executor's counters, which task completions count in.</summary>
    ExecutorMetrics Metrics { get; }

    /// <summary>
    /// Counts a task's completion (completed, faulted, cancelled). Tasks complete in <see cref="ITaskCell.Run"/> and
    /// <see cref="ITaskCell.Cancel"/>, on an executor thread or while the executor does not run; by default the
    /// calling thread's block is looked up.
    /// </summary>
    void CountCompletion(RuntimeCounter counter) => Metrics.Count(counter);
}
