namespace AsyncGen.Executors;

/// <summary>
/// Tells a work-stealing worker that the task it is about to re-queue after a poll yielded (<see cref="Future.Yield"/>,
/// tokio's <c>defer</c> / <c>is_yield</c>): the task goes behind the others instead of into the LIFO slot, where it
/// would be polled again at once (up to <c>Worker.MaxLifoPolls</c> times) and the yield would let nobody run.
/// </summary>
/// <remarks>Set by <see cref="Tasks.ITaskScheduler.ScheduleAfterPoll"/>'s default just before it schedules the task,
/// on the thread that polled it; thread-static and keyed by the task's waker, so a wake of another task in between
/// cannot take the hint. A <see cref="LocalExecutor"/>, whose queue is already FIFO, never sets it.</remarks>
internal static class YieldHint
{
    [ThreadStatic] private static Waker t_yielding;

    /// <summary>Records that the task woken by <paramref name="waker"/> is yielding.</summary>
    public static void Set(in Waker waker) => t_yielding = waker;

    /// <summary>
    /// True while a hint is pending on this thread: a schedule tests it before it reads the task's waker (a lookup
    /// in the waker table) for <see cref="Take"/>, since almost no schedule follows a yield (review finding 12).
    /// </summary>
    public static bool IsSet => !t_yielding.IsNoop;

    /// <summary>True, once, when <paramref name="waker"/>'s task yielded on this thread.</summary>
    public static bool Take(in Waker waker)
    {
        if (t_yielding.IsNoop || !t_yielding.Equals(waker)) return false;
        t_yielding = default;
        return true;
    }
}
