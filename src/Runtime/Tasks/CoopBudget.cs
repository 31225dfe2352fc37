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

    // One thread-static instead of a (remaining, in-task) pair: every task poll enters and exits the budget, and each
    // thread-static access costs a TLS lookup. 0 outside a task's poll (the default of a fresh thread), else the
    // operations left plus one: 1 is a spent budget.
    [ThreadStatic] private static int t_budget;

    /// <summary>True while a task is being polled on this thread (false for futures polled by hand).</summary>
    public static bool InTaskPoll => t_budget != 0;

    /// <summary>
    /// The calling thread's budget word, for an executor's loop to take once and then give each task poll a full
    /// budget (<see cref="Full"/>) and restore the word after it with plain stores: a thread-static access is a call
    /// to the runtime's TLS helper (<c>__tls_get_addr</c> on Linux), and two per poll were ≈ 4 % of
    /// <c>spawn_join</c> (benchmarks/README.md). Valid on the calling thread only, for as long as it lives.
    /// </summary>
    public static ref int OfThisThread() => ref t_budget;

    /// <summary>The word's value during a task's poll before any operation spent from it.</summary>
    public const int Full = PerPoll + 1;

    /// <summary>
    /// At the start of a resource operation's poll: false when the task has spent its budget, after waking it so it
    /// is polled again once the others have had their turn. The caller then returns Pending.
    /// </summary>
    public static bool Proceed(in Waker waker)
    {
        if (t_budget != 1) return true;
        RuntimeCounters.CountOnCurrent(RuntimeCounter.BudgetYields);
        waker.Wake();
        return false;
    }

    /// <summary>A resource operation completed: one unit of the budget is spent.</summary>
    public static void Spend()
    {
        int budget = t_budget;
        if (budget > 1) t_budget = budget - 1;
    }
}
