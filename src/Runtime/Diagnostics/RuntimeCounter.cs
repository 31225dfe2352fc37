namespace AsyncGen.Diagnostics;

/// <summary>
/// The runtime's counters, one slot each in a <see cref="RuntimeCounters"/> block; <see cref="RuntimeMeter"/>
/// publishes each as an observable counter named in <see cref="RuntimeMeter.CounterNames"/>.
/// </summary>
internal enum RuntimeCounter
{
    /// <summary>Tasks spawned.</summary>
    TasksSpawned,

    /// <summary>Tasks that finished with a result.</summary>
    TasksCompleted,

    /// <summary>Tasks that finished with an exception.</summary>
    TasksFaulted,

    /// <summary>Tasks disposed before they finished without an abort request: their executor was disposed.</summary>
    TasksCancelled,

    /// <summary>
    /// Tasks disposed before they finished because an abort was requested: <c>JoinHandle.Abort</c>, <c>AbortHandle</c>,
    /// <c>JoinSet.AbortAll</c>/<c>Dispose</c>, disposing a spawned <c>FutureBox</c>, or a <c>BlockOn</c> giving up at its limit.
    /// </summary>
    TasksAborted,

    /// <summary>Task polls.</summary>
    Polls,

    /// <summary>Wakes that scheduled a task, issued on one of its executor's threads.</summary>
    WakesSameThread,

    /// <summary>Wakes that scheduled a task, issued on another thread (a timer thread, a foreign thread...).</summary>
    WakesOtherThread,

    /// <summary>Tasks taken from another worker's queue.</summary>
    Steals,

    /// <summary>
    /// Times a work-stealing worker out of queued work found completions waiting in its own io_uring ring and took a
    /// turn of it that does not block, instead of stealing and parking.
    /// </summary>
    OwnRingTurns,

    /// <summary>Times an executor thread parked (blocked in the driver or on its own parker).</summary>
    Parks,

    /// <summary>Times a parked executor thread was unparked by another thread.</summary>
    Unparks,

    /// <summary>I/O readiness events (or completions) the driver dispatched.</summary>
    IoEvents,

    /// <summary>Timers inserted in a timer wheel.</summary>
    TimersArmed,

    /// <summary>Timers that reached their deadline.</summary>
    TimersFired,

    /// <summary>Resource operations that returned Pending because their task had spent its budget (a forced yield).</summary>
    BudgetYields,

    /// <summary>Polls longer than the slow-poll threshold (counted only while poll timing is on).</summary>
    SlowPolls,

    /// <summary>
    /// Times an executor thread found a registration's waker flag (<c>ScheduledIo</c>, every driver) held by another
    /// thread and spun for it.
    /// </summary>
    IoWakerContentions,
}
