using System.Text;
using AsyncGen.Tasks;

namespace AsyncGen.Diagnostics;

/// <summary>One live task as a dump sees it: <see cref="LocalExecutor.DumpTasks"/>, <see cref="WorkStealingExecutor.DumpTasks"/>.</summary>
/// <param name="Id">The task's process-wide unique number, increasing in spawn order on its executor.</param>
/// <param name="Name">What was spawned: the <c>[PollAsync]</c> method's machine (<c>EchoFuture</c>), a fallback
/// method, or a hand-written future's type.</param>
/// <param name="State"><c>idle</c> (waiting for a wake), <c>scheduled</c> (in a run queue), <c>running</c>
/// (being polled), plus <c>notified</c> / <c>aborting</c> when those bits are set.</param>
/// <param name="Polls">How many times it was polled.</param>
/// <param name="SinceLastPoll">Time since its last poll began (since its spawn, if never polled); to about a
/// millisecond plus one batch of polls.</param>
/// <param name="SinceLastWake">Time since the last wake that scheduled it.</param>
/// <param name="Backtrace">Where it is suspended, outermost first (see <see cref="IAsyncFrameSource"/>); empty while
/// it runs or when its future cannot describe itself.</param>
public sealed record TaskSnapshot(
    long Id, string Name, string State, int Polls, TimeSpan SinceLastPoll, TimeSpan SinceLastWake, IReadOnlyList<AsyncFrame> Backtrace)
{
    /// <summary>
    /// Describes <paramref name="task"/>; null if it completed and gave its waker-table slot away after the dump listed
    /// it (its id and stamps would then be another task's or none: review finding 8).
    /// </summary>
    internal static TaskSnapshot? Of(ITaskCell task, long nowMs)
    {
        // The id first: 0 once the slot was freed; read before the stamps, so a dump of a task that completes
        // meanwhile shows its own id (with the stamps of the slot at worst a moment later).
        long id = task.Id;
        if (id == 0) return null;
        var state = task.State;
        var frames = new List<AsyncFrame>();
        if ((state & TaskState.Running) == 0)
        {
            try
            {
                task.CollectOwnFrames(frames);
            }
            catch (Exception)
            {
                // A poll started meanwhile on the executor's thread and changed the machine under us: keep what
                // was read (dumps are best effort while the executor runs).
            }
        }
        return new TaskSnapshot(id, task.Name, Describe(state), task.PollCount,
            TimeSpan.FromMilliseconds(Math.Max(0, nowMs - task.LastPollMs)),
            TimeSpan.FromMilliseconds(Math.Max(0, nowMs - task.LastWakeMs)), frames);
    }

    private static string Describe(TaskState state)
    {
        string text = (state & TaskState.Complete) != 0 ? "complete"
            : (state & TaskState.Running) != 0 ? "running"
            : (state & TaskState.Scheduled) != 0 ? "scheduled"
            : "idle";
        if ((state & TaskState.Notified) != 0) text += "+notified";
        if ((state & TaskState.Cancelled) != 0) text += "+aborting";
        return text;
    }

    /// <summary><c>#3 EchoFuture idle, 5 polls, last poll 1.2 s ago, last wake 1.2 s ago: backtrace</c>.</summary>
    public override string ToString()
    {
        var text = $"#{Id} {Name} {State}, {Polls} poll(s), last poll {Ago(SinceLastPoll)}, last wake {Ago(SinceLastWake)}";
        return Backtrace.Count > 0 ? $"{text}: {AsyncBacktrace.Format(Backtrace)}" : text;
    }

    /// <summary>One task a line, in id order.</summary>
    public static string Format(IEnumerable<TaskSnapshot> tasks)
    {
        var text = new StringBuilder();
        foreach (var task in tasks.OrderBy(t => t.Id)) text.AppendLine(task.ToString());
        return text.ToString();
    }

    private static string Ago(TimeSpan span) =>
        span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.0} s ago" : $"{span.TotalMilliseconds:0} ms ago";
}
