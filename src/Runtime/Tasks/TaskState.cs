namespace AsyncGen.Tasks;

/// <summary>
/// The bits of a task's one atomic state word (tokio's <c>task/state.rs</c>, reduced to what we need).
/// </summary>
/// <remarks>
/// <code>
///   Idle ──wake──▶ Scheduled ──executor picks it──▶ Running ──Pending──▶ Idle
///                    ▲                                │  │
///                    └──── Pending with Notified ─────┘  └──Ready / fault / cancel──▶ Complete
///   Running ──wake──▶ Running|Notified   (no second queue entry: no double poll, no lost wake)
///   any ──abort──▶ |Cancelled, then scheduled like a wake; the executor disposes the future instead of polling it
/// </code>
/// Only the executor moves a task out of Scheduled or Running; wakers (any thread) only set Scheduled or
/// Notified. Complete is final, so a stale wake is a no-op.
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
}
