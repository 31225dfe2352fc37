namespace AsyncGen.Tasks;

/// <summary>
/// The bits of a task's one atomic state word (tokio's <c>task/state.rs</c>, reduced to what we need).
/// </summary>
/// <remarks>
/// <code>
///   Unbound ──spawn──▶ Idle               (a FutureBox is a plain future until an executor claims it)
///   Idle ──wake──▶ Scheduled ──executor picks it──▶ Running ──Pending──▶ Idle
///                    ▲                                │  │
///                    └──── Pending with Notified ─────┘  └──Ready / fault / cancel──▶ Complete
///   Running ──wake──▶ Running|Notified   (no second queue entry: no double poll, no lost wake)
///   any ──abort──▶ |Cancelled, then scheduled like a wake; the executor cancels the future instead of polling it:
///                  in place when its cleanup waits (|CancellingInPlace, then polled like a running task until Ready,
///                  which completes it cancelled), else by Dispose
///   any ──joiner cancels in place──▶ |Cancelled|JoinerCancelled (an abort; JoinerCancelled survives Complete)
///   any ──handle or JoinSet disposed──▶ |Cancelled|Unjoined (an abort no one waits for)
///   Complete ──join handle takes the outcome──▶ Complete|Joined
///   joiner: (not Complete) store waker, then ──CAS──▶ |JoinWaker; the completion wakes it if the bit was set
///   another joiner's waker while pending ──▶ |JoinContested, the replaced joiner woken; replaced twice ──▶ throws
/// </code>
/// Only the executor moves a task out of Scheduled or Running; wakers (any thread) only set Scheduled or
/// Notified. Complete is final, so a stale wake is a no-op. While Unbound the word is owned by whoever polls the
/// plain future, and Complete means that future returned Ready or was disposed.
/// </remarks>
[Flags]
internal enum TaskState
{
    Idle = 0,

    /// <summary>In its executor's ready queue, exactly once.</summary>
    Scheduled = 1 << 0,

    /// <summary>Being polled by its executor.</summary>
    Running = 1 << 1,

    /// <summary>Woken while running: re-queued when the poll returns Pending.</summary>
    Notified = 1 << 2,

    /// <summary>Finished: a result, an exception or cancellation is stored. Final.</summary>
    Complete = 1 << 3,

    /// <summary>Abort requested through the join handle.</summary>
    Cancelled = 1 << 4,

    /// <summary>The join handle returned the outcome; polling it again is a bug.</summary>
    Joined = 1 << 5,

    /// <summary>Not spawned (yet): the box is an ordinary future, polled by whoever holds it.</summary>
    Unbound = 1 << 6,

    /// <summary>
    /// The joiner stored its waker (tokio's JOIN_WAKER): from then on only the completion reads it, after setting
    /// Complete. The joiner sets the bit after writing the waker and clears it before replacing it, both with a
    /// compare-and-swap that fails once Complete is set; so completing takes one atomic step, joiner or not.
    /// </summary>
    JoinWaker = 1 << 7,

    /// <summary>
    /// A second task's waker replaced the stored join waker while the task ran. The replaced joiner is woken, so if
    /// it still awaits the handle its next poll finds the handle taken and throws instead of waiting forever.
    /// </summary>
    JoinContested = 1 << 8,

    /// <summary>
    /// Aborted, and the future's cleanup waits (<see cref="IFuture{T}.CancelInPlace"/> returned true: a finally block
    /// that awaits): the task polls that cleanup to its end like a running task, then completes cancelled, so its
    /// joiner sees the abort after the finally blocks ran, as with an <c>async Task</c>.
    /// </summary>
    CancellingInPlace = 1 << 9,

    /// <summary>
    /// Aborted by its joiner, which waits for the task to end (<see cref="JoinHandle{T}.CancelInPlace"/>: a parent
    /// machine cancelled while it awaits the handle, a join ending early). Kept with <see cref="Complete"/>: the join
    /// then ends with nothing instead of the abort's <see cref="OperationCanceledException"/>.
    /// </summary>
    JoinerCancelled = 1 << 10,

    /// <summary>
    /// Aborted by the disposal of its handle or of its <see cref="JoinSet{T}"/>: no one waits for it to end, so a
    /// cleanup of its that waits is counted as detached (<see cref="CancelledCleanup.Detached"/>, event 112).
    /// </summary>
    Unjoined = 1 << 11,
}
