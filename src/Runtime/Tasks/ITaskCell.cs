using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>A spawned task as its executor and wakers see it, whatever its result type.</summary>
internal interface ITaskCell
{
    /// <summary>
    /// The waker this task's polls receive; its slot and generation identify the task in the table. A no-op waker
    /// (<see cref="Waker.IsNoop"/>) once the task completed and its slot was freed.
    /// </summary>
    Waker Waker { get; }

    /// <summary>Receives the task's waker when it enters a <see cref="WakerTable"/> (which keeps its id).</summary>
    void Bind(Waker waker);

    /// <summary>True once the task finished (result, exception or cancellation).</summary>
    bool IsComplete { get; }

    /// <summary>Schedules the task unless it is already queued, running (then it is re-queued) or complete.</summary>
    void Wake();

    /// <summary>Polls the task once (or disposes it, if aborted). Executor thread only.</summary>
    void Run();

    /// <summary>Disposes the future of a task that will never run again. Executor thread only.</summary>
    void Cancel();

    /// <summary>Requests cancellation (see <see cref="JoinHandle{T}.Abort"/>). Any thread.</summary>
    void Abort();

    /// <summary>A human-readable name for diagnostics: the future's type, e.g. <c>DelayAddFuture</c>.</summary>
    string Name { get; }

    /// <summary>How many times the task was polled.</summary>
    int PollCount { get; }

    /// <summary>
    /// A process-wide unique number, increasing in spawn order on each executor (executors take ids in blocks, see
    /// <see cref="TaskClock.ReserveIds"/>): how dumps and events name the task. Kept by the task's waker-table slot,
    /// so 0 once the task completed (the events and reports of its completion read it before).
    /// </summary>
    long Id { get; }

    /// <summary>The task's state word (a snapshot).</summary>
    TaskState State { get; }

    /// <summary>The <see cref="CoarseClock"/> time of the last poll (of the spawn, before the first).</summary>
    long LastPollMs { get; }

    /// <summary>The <see cref="CoarseClock"/> time of the last wake that scheduled the task (of the spawn, before any).</summary>
    long LastWakeMs { get; }

    /// <summary>The frames of the task's future, outermost first (see <see cref="IAsyncFrameSource"/>); none once complete.</summary>
    void CollectOwnFrames(List<AsyncFrame> frames);
}
