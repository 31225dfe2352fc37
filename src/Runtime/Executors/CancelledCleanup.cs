using System.ComponentModel;
using System.Diagnostics.Tracing;
using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// Runs the <c>finally</c> blocks that await of a generated <c>[PollAsync]</c> machine disposed (cancelled) while
/// suspended in their <c>try</c>: called by the generated <c>Dispose</c>, which cannot suspend.
/// </summary>
/// <remarks>
/// <para>The generated <c>Dispose</c> disposes the awaited child, runs the finally blocks without awaits inside the
/// awaiting one, and points the machine at that block with a pending "cancelled" exit (as a <c>return</c> has a
/// pending exit): after the block the machine leaves through the finally blocks and <c>using</c> disposals around it,
/// innermost first, and completes without running the code after them. <see cref="Run{TMachine, T}"/> then polls it:</para>
/// <list type="bullet">
/// <item><b>Inline</b>: most finally blocks finish at once (their awaits complete synchronously). The cleanup then ran
/// inside <c>Dispose</c>, allocating nothing, and an exception it threw (which, as in C#, replaced the cancellation)
/// propagates out of <c>Dispose</c>.</item>
/// <item><b>Detached</b>: a block that has to wait moves, with the whole machine, into a task of its own on the current
/// executor (the one polling or aborting the disposed future), where it finishes. Counted in <see cref="Detached"/>
/// (the Meter instrument <c>asyncgen.cancelled_cleanup.detached</c>) with the warning event
/// <c>CancelledCleanupDetached</c> (id 112); a failure is counted in <see cref="DetachedFailed"/> and reported through
/// <see cref="RuntimeDiagnostics.UnobservedTaskFailure"/> (and the <c>UnobservedTaskFailure</c> event), as a detached
/// <c>await using</c> disposal is (<see cref="AsyncDisposal"/>): no one is left to observe it. Whoever disposed the
/// future does not wait for that cleanup; whoever cancels through <see cref="IFuture{T}.CancelInPlace"/> instead (a
/// parent machine, <c>Select</c>, <c>Timeout</c>, an aborted task) polls it and never gets here.</item>
/// <item><b>No executor to finish it</b>: outside any task, or while an executor shuts down (its driver, which the
/// block's timers and sockets use, is about to be released, and waiting for the block could hang the shutdown), the
/// machine is disposed again, which cuts the block at the await it waits on, as an
/// <see cref="OperationCanceledException"/> thrown by that await would in an <c>async Task</c>. So is a detached
/// cleanup that its executor disposes at shutdown: a host waits for <see cref="Running"/> to reach 0 first.</item>
/// </list>
/// <para>A block cut at an await (its rest skipped: disposed while suspended inside the block itself) is reported by
/// <see cref="OnFinallySkipped"/>: counted in <see cref="FinallySkipped"/> (<c>asyncgen.cancelled_cleanup.finally_skipped</c>)
/// with the warning event <c>CancelledFinallySkipped</c> (id 111) naming the method and the line of the statement.
/// Reports carry the id of the task whose future it was (0 outside any task).</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CancelledCleanup
{
    private static long s_finallySkipped;
    private static long s_detached;
    private static long s_detachedFailed;
    private static long s_selectLoserFailed;
    private static long s_joinCleanupFailed;
    private static long s_running;
    private static readonly Lock s_drainedLock = new();
    private static TaskCompletionSource? s_drained; // under s_drainedLock: completed when Running next reaches 0

    /// <summary>Finally blocks that await whose rest a disposed generated machine skipped (it was suspended inside them).</summary>
    public static long FinallySkipped => Interlocked.Read(ref s_finallySkipped);

    /// <summary>
    /// Finally blocks that await, entered by a disposed generated machine, that finished in a task of their own; and
    /// tasks aborted by the disposal of their <see cref="JoinHandle{T}"/> or <see cref="JoinSet{T}"/> whose cleanup
    /// waits (the task finishes it, with no one waiting for it).
    /// </summary>
    public static long Detached => Interlocked.Read(ref s_detached);

    /// <summary>Detached finally blocks (or the cleanup around them) that then threw.</summary>
    public static long DetachedFailed => Interlocked.Read(ref s_detachedFailed);

    /// <summary>
    /// Cleanups of a <see cref="Future.Select{T1, T2}"/> loser that threw after the winner was ready: the select
    /// returned the winner's result, and reported the exception through <see cref="RuntimeDiagnostics.UnobservedTaskFailure"/>.
    /// </summary>
    public static long SelectLoserFailed => Interlocked.Read(ref s_selectLoserFailed);

    /// <summary>
    /// Exceptions of a join's cleanups (<see cref="Future.Join{T1, T2}"/>, its three-way overload, <c>JoinAll</c>)
    /// thrown after the exception the join throws: the join throws the first in time (<c>await Task.WhenAll</c> throws
    /// the first in argument order instead, which may be a cleanup's), and reports each later one through <see cref="RuntimeDiagnostics.UnobservedTaskFailure"/> (where a <c>Task</c> would
    /// keep it in its <c>AggregateException</c>).
    /// </summary>
    public static long JoinCleanupFailed => Interlocked.Read(ref s_joinCleanupFailed);

    /// <summary>
    /// Cleanups of cancelled futures not finished yet, process-wide: detached finally blocks, and aborted tasks whose
    /// cleanup waits (they finish it in place, see <see cref="IFuture{T}.CancelInPlace"/>). A host waits for this to
    /// reach 0 (<see cref="WhenNoneRunning"/>, within its shutdown timeout) before it disposes its executor, which would
    /// cut them (AsyncGen.Hosting does).
    /// </summary>
    public static long Running => Interlocked.Read(ref s_running);

    /// <summary>
    /// Completes when <see cref="Running"/> is 0: at once if it is, else when the last cleanup running ends (a cleanup
    /// that starts before that moves the moment on). Continuations run asynchronously, never on the executor thread
    /// that finished the cleanup.
    /// </summary>
    public static Task WhenNoneRunning()
    {
        lock (s_drainedLock)
        {
            // Under the lock: an end that brings the count to 0 after this read takes the lock next and completes it.
            if (Interlocked.Read(ref s_running) == 0) return Task.CompletedTask;
            return (s_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>
    /// Called by the generated <c>Dispose</c> of <paramref name="method"/> for the finally block of the statement at
    /// <paramref name="line"/>: it was suspended inside that block, whose rest does not run.
    /// </summary>
    public static void OnFinallySkipped(string method, int line)
    {
        Interlocked.Increment(ref s_finallySkipped);
        var log = AsyncGenEventSource.Log;
        if (log.IsEnabled()) log.CancelledFinallySkipped(method, line, CoopBudget.CurrentTaskId);
    }

    /// <summary>
    /// Called by the generated <c>Dispose</c> of <paramref name="method"/> once it pointed <paramref name="machine"/>
    /// at a finally block to run: polls it there, and, if the block has to wait, moves it into a task of its own.
    /// </summary>
    /// <returns>True when the machine moved (<paramref name="machine"/> is then cleared, and its caller marks it finished).</returns>
    /// <remarks>The inline poll uses a no-op waker: a detached machine is polled again at once by its task, with the
    /// task's waker, and only the latest waker must be woken.</remarks>
    public static bool Run<TMachine, T>(ref TMachine machine, string method) where TMachine : struct, IFuture<T>
    {
        var cx = new Context(Waker.Noop);
        if (machine.Poll(ref cx).IsReady) return false; // its exception propagates: Dispose throws it, as a finally's
        long taskId = CoopBudget.CurrentTaskId;
        Interlocked.Increment(ref s_running); // before the spawn: the task may finish (and decrement) on another worker first
        if (!TrySpawn(new CancelledCleanupFuture<TMachine, T>(machine, method, taskId)))
        {
            Interlocked.Decrement(ref s_running);
            machine.Dispose(); // cuts the block at its await, reported; the cleanup around it runs
            return false;
        }
        machine = default;
        Interlocked.Increment(ref s_detached);
        var log = AsyncGenEventSource.Log;
        if (log.IsEnabled()) log.CancelledCleanupDetached(method, taskId);
        return true;
    }

    /// <summary>Spawns the cleanup on the executor running on this thread, unless there is none or it shuts down.</summary>
    private static bool TrySpawn<TMachine, T>(CancelledCleanupFuture<TMachine, T> cleanup) where TMachine : struct, IFuture<T>
    {
        // While a LocalExecutor is disposed no thread runs it, so Current is null then.
        if (LocalExecutor.Current is { } local)
        {
            local.Spawn(Future.Box<CancelledCleanupFuture<TMachine, T>, Unit>(cleanup));
            return true;
        }
        if (WorkStealingExecutor.Current is { IsShuttingDown: false } shared)
        {
            try
            {
                shared.Spawn(Future.Box<CancelledCleanupFuture<TMachine, T>, Unit>(cleanup));
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false; // its Dispose started after the check above
            }
        }
        return false;
    }

    /// <summary>A cleanup counted in <see cref="Running"/> ended: finished, failed, or disposed unfinished.</summary>
    internal static void OnCleanupEnded()
    {
        if (Interlocked.Decrement(ref s_running) != 0) return;
        TaskCompletionSource? drained;
        lock (s_drainedLock)
        {
            if (Interlocked.Read(ref s_running) != 0) return; // another cleanup started since: its end signals
            drained = s_drained;
            s_drained = null;
        }
        drained?.TrySetResult();
    }

    /// <summary>
    /// A task aborted by the disposal of its handle or its <see cref="JoinSet{T}"/> has cleanup that waits: it finishes
    /// it in place, but no one waits for it, as for a disposed machine's detached finally block (named by the task).
    /// </summary>
    internal static void OnUnjoinedAbortWaits(string task, long taskId)
    {
        Interlocked.Increment(ref s_detached);
        var log = AsyncGenEventSource.Log;
        if (log.IsEnabled()) log.CancelledCleanupDetached(task, taskId);
    }

    /// <summary>An aborted task's cleanup waits, and the task finishes it in place (counted in <see cref="Running"/> until it ends).</summary>
    internal static void OnInPlaceStarted() => Interlocked.Increment(ref s_running);

    /// <summary>A select's loser's cleanup threw after the winner was ready: the select keeps the result, so no one else sees the failure.</summary>
    internal static void ReportSelectLoserFailure(Exception error)
    {
        Interlocked.Increment(ref s_selectLoserFailed);
        long taskId = CoopBudget.CurrentTaskId;
        string name = taskId == 0 ? "cleanup of a Future.Select loser" : $"cleanup of a Future.Select loser (task #{taskId})";
        RuntimeDiagnostics.ReportUnobserved(taskId, name, error);
    }

    /// <summary>A join's cleanup threw after the exception the join will throw: reported, since the join throws only one.</summary>
    internal static void ReportJoinCleanupFailure(Exception error)
    {
        Interlocked.Increment(ref s_joinCleanupFailed);
        long taskId = CoopBudget.CurrentTaskId;
        string name = taskId == 0 ? "cleanup of a Future.Join side" : $"cleanup of a Future.Join side (task #{taskId})";
        RuntimeDiagnostics.ReportUnobserved(taskId, name, error);
    }

    /// <summary>A detached cleanup threw: nobody awaits it, so it is reported as an unobserved failure.</summary>
    internal static void ReportDetachedFailure(string method, long taskId, Exception error)
    {
        Interlocked.Increment(ref s_detachedFailed);
        string name = taskId == 0 ? $"finally block of {method} (a disposed future)" : $"finally block of {method} (a disposed future of task #{taskId})";
        RuntimeDiagnostics.ReportUnobserved(taskId, name, error);
    }
}
