using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>
/// Cooperative scheduling (tokio's <c>coop</c>): within one poll of a task, at most <see cref="PerPoll"/> resource
/// operations (socket reads and writes, channel sends and receives) may complete. After that each one returns
/// Pending after waking its own task, so a task whose resources are always ready — a socket with a full buffer, a
/// channel that never empties — yields to the executor instead of starving every other task, timers and I/O.
/// </summary>
/// <remarks>Outside a task's poll (futures polled by hand) the budget is unlimited.</remarks>
internal static class CoopBudget
{
    /// <summary>128: tokio's budget per task poll.</summary>
    public const int PerPoll = 128;

    [ThreadStatic] private static int t_remaining;
    [ThreadStatic] private static bool t_inTask;

    /// <summary>True while a task is being polled on this thread (false for futures polled by hand).</summary>
    public static bool InTaskPoll => t_inTask;

    /// <summary>Starts a task's poll with a full budget; returns the state to restore (polls may nest: BlockOn tests).</summary>
    public static (int Remaining, bool InTask) Enter()
    {
        var previous = (t_remaining, t_inTask);
        t_remaining = PerPoll;
        t_inTask = true;
        return previous;
    }

    /// <summary>Ends a task's poll.</summary>
    public static void Exit((int Remaining, bool InTask) previous) => (t_remaining, t_inTask) = previous;

    /// <summary>
    /// At the start of a resource operation's poll: false when the task has spent its budget, after waking it so it
    /// is polled again once the others have had their turn. The caller then returns Pending.
    /// </summary>
    public static bool Proceed(in Waker waker)
    {
        if (!t_inTask || t_remaining != 0) return true;
        RuntimeCounters.CountOnCurrent(RuntimeCounter.BudgetYields);
        waker.Wake();
        return false;
    }

    /// <summary>A resource operation completed: one unit of the budget is spent.</summary>
    public static void Spend()
    {
        if (t_inTask && t_remaining > 0) t_remaining--;
    }
}
