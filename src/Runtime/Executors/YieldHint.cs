namespace AsyncGen.Executors;

/// <summary>
/// Tells a work-stealing worker that the self-wake <see cref="Future.Yield"/> just made is a yield (tokio's
/// <c>defer</c> / <c>is_yield</c>): the task is re-queued behind the others instead of into the LIFO slot, where it
/// would be polled again at once (up to <c>Worker.MaxLifoPolls</c> times) and the yield would let nobody run.
/// </summary>
/// <remarks>Thread-static and keyed by the task's waker: the yield and the re-schedule after the poll returns run on
/// the same worker thread, and a wake of another task in between must not take the hint. A hint that is never taken
/// (the task completed in the same poll, or runs on a <see cref="LocalExecutor"/>, whose queue is already FIFO) is
/// harmless: it can only match the same task, and is overwritten by the next yield.</remarks>
internal static class YieldHint
{
    [ThreadStatic] private static Waker t_yielding;

    /// <summary>Records that the task woken by <paramref name="waker"/> is yielding.</summary>
    public static void Set(in Waker waker) => t_yielding = waker;

    /// <summary>True, once, when <paramref name="waker"/>'s task yielded on this thread.</summary>
    public static bool Take(in Waker waker)
    {
        if (t_yielding.IsNoop || !t_yielding.Equals(waker)) return false;
        t_yielding = default;
        return true;
    }
}
