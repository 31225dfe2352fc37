using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>
/// Cooperative scheduling (tokio's <c>coop</c>): within one poll of a task, at most <see cref="PerPoll"/> resource
/// operations (socket reads and writes, channel sends and receives) may complete. After that each one returns
/// Pending after waking its own task, so a task whose resources are always ready — a socket with a full buffer, a
/// channel that never empties — yields to the executor instead of starving every other task, timers and I/O.
/// </summary>
/// <remarks>
/// Outside a task's poll (futures polled by hand) the budget is unlimited. The same word remembers which task is
/// being polled (or disposed), for the reports of cleanup that outlives its future (<see cref="CurrentTaskId"/>).
/// </remarks>
internal static class CoopBudget
{
    /// <summary>128: tokio's budget per task poll.</summary>
    public const int PerPoll = 128;

    // The budget's bits: PerPoll + 1 = 129 fits in 8; the task id keeps the 56 bits above (ids are handed out
    // upward from 1 (TaskClock.ReserveIds), so they never reach 2^55).
    private const int BudgetBits = 8;
    private const long BudgetMask = (1 << BudgetBits) - 1;

    // One thread-static instead of a (remaining, in-task, task id) triple: every task poll enters and exits the
    // budget, and each thread-static access costs a TLS lookup. 0 outside a task's poll (the default of a fresh
    // thread), else the polled task's id above BudgetBits and the operations left plus one below: 1 is a spent budget.
    [ThreadStatic] private static long t_poll;

    /// <summary>True while a task is being polled on this thread (false for futures polled by hand).</summary>
    public static bool InTaskPoll => t_poll != 0;

    /// <summary>
    /// The id of the task being polled or disposed on this thread, 0 outside (a future polled by hand): who owned a
    /// resource whose cleanup is reported later (<see cref="AsyncDisposal"/>, <see cref="CancelledCleanup"/>).
    /// </summary>
    public static long CurrentTaskId => t_poll >> BudgetBits;

    /// <summary>
    /// Starts a poll (or the dispose) of task <paramref name="taskId"/> with a full budget; returns the state to
    /// restore (polls may nest: BlockOn tests).
    /// </summary>
    public static long Enter(long taskId)
    {
        long previous = t_poll;
        t_poll = (taskId << BudgetBits) | (PerPoll + 1);
        return previous;
    }

    /// <summary>Ends a task's poll.</summary>
    public static void Exit(long previous) => t_poll = previous;

    /// <summary>
    /// At the start of a resource operation's poll: false when the task has spent its budget, after waking it so it
    /// is polled again once the others have had their turn. The caller then returns Pending.
    /// </summary>
    public static bool Proceed(in Waker waker)
    {
        if ((t_poll & BudgetMask) != 1) return true;
        RuntimeCounters.CountOnCurrent(RuntimeCounter.BudgetYields);
        waker.Wake();
        return false;
    }

    /// <summary>A resource operation completed: one unit of the budget is spent.</summary>
    /// <remarks>Forced inline: in a task's poll the JIT has usually spent its inlining budget on the future's own
    /// machine by the time it meets this call (ping_pong: a call and a second TLS lookup per completed receive and
    /// send), and inlined it shares the thread-static base that <see cref="Proceed"/> already looked up.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Spend()
    {
        long poll = t_poll;
        if ((poll & BudgetMask) > 1) t_poll = poll - 1;
    }
}
