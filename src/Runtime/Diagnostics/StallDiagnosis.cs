using AsyncGen.Drivers;
using AsyncGen.Tasks;

namespace AsyncGen.Diagnostics;

/// <summary>
/// Why a task has not completed: its async backtrace and what (if anything) will wake it. Built before the task is
/// cancelled, while its timers and registrations are still in place.
/// </summary>
/// <remarks>
/// What the task waits on comes first from its own frames (leaves such as <see cref="SleepFuture"/> describe the
/// resource they wait on); for futures that cannot describe themselves, from the timer wheel (does a waiting timer
/// hold the task's waker?). Only when neither finds anything is the task reported as lost (rule AG0102).
/// </remarks>
internal sealed class StallDiagnosis
{
    private StallDiagnosis(string taskName, long taskId, int polls, List<AsyncFrame> backtrace, string? waitingOn)
    {
        TaskName = taskName;
        TaskId = taskId;
        PollCount = polls;
        Backtrace = backtrace;
        WaitingOn = waitingOn;
    }

    public string TaskName { get; }

    public long TaskId { get; }

    public int PollCount { get; }

    /// <summary>The task's frames, outermost first (empty when its future cannot describe itself).</summary>
    public IReadOnlyList<AsyncFrame> Backtrace { get; }

    /// <summary>What will wake the task (<c>Time.Sleep (timer due in 4800 ms)</c>), or null when nothing known will.</summary>
    public string? WaitingOn { get; }

    /// <summary>True when nothing known holds the task's waker: the likely lost wake-up of rule AG0102.</summary>
    public bool LostWaker => WaitingOn is null;

    /// <summary>
    /// The innermost suspended machine (the last await frame, with its file and line when known), or the task's
    /// name when its future cannot describe itself.
    /// </summary>
    public string Culprit
    {
        get
        {
            for (int i = Backtrace.Count - 1; i >= 0; i--)
            {
                if (Backtrace[i].Kind == AsyncFrameKind.Await) return Backtrace[i].ToString();
            }
            return TaskName;
        }
    }

    /// <summary>Diagnoses <paramref name="task"/>, whose timers live in <paramref name="timers"/>.</summary>
    public static StallDiagnosis Of(ITaskCell task, TimerWheel timers)
    {
        var frames = new List<AsyncFrame>();
        try
        {
            task.CollectOwnFrames(frames);
        }
        catch (Exception)
        {
            // A poll racing with the description (work-stealing BlockOn): keep the frames gathered so far.
        }
        var resources = frames.Where(f => f.Kind == AsyncFrameKind.Resource).Select(f => f.ToString()).ToList();
        string? waitingOn = resources.Count > 0 ? string.Join(", ", resources) : null;
        // The timers are read before the task's state: a timer fires (leaves the wheel) before it wakes the task, so
        // a report racing with the firing finds one or the other, never neither.
        if (waitingOn is null && timers.EarliestDeadlineOf(task.Waker) is long deadline)
            waitingOn = $"a {SleepFuture.DescribeDeadline(deadline)} (armed by a future that does not describe itself)";
        // Woken already: the wait is over and the task waits for its executor (busy, or blocked by a slow poll).
        if (waitingOn is null && (task.State & (TaskState.Scheduled | TaskState.Running | TaskState.Notified)) != 0)
            waitingOn = "its turn to run (it was woken: its executor is busy or blocked)";
        // Completed while the report was being written (a work-stealing BlockOn reports from its own thread): its
        // frames are gone, and it is not lost.
        if (waitingOn is null && (task.State & TaskState.Complete) != 0)
            waitingOn = "nothing: it completed while this report was written";
        return new StallDiagnosis(task.Name, task.Id, task.PollCount, frames, waitingOn);
    }

    /// <summary>The report, as <see cref="StalledTaskException"/> words it.</summary>
    public string Describe(TimeSpan limit) => Describe($"did not complete within {limit}", " (raise the limit if that wait is expected)");

    /// <summary>
    /// Reports a BlockOn without a limit that has waited <paramref name="waited"/> so far: standard error and the
    /// <c>TaskStalled</c> event. The task keeps running.
    /// </summary>
    public void Report(TimeSpan waited)
    {
        string report = Describe($"has not completed after {waited:g}", "");
        Console.Error.WriteLine($"AsyncGen: {report}");
        if (AsyncGenEventSource.Log.TasksEnabled(System.Diagnostics.Tracing.EventLevel.Warning)) AsyncGenEventSource.Log.TaskStalled(TaskId, report);
    }

    private string Describe(string what, string slowAdvice)
    {
        var text = $"Task '{TaskName}' (#{TaskId}) {what}: it was polled {PollCount} time(s) and returned Pending";
        text += LostWaker
            ? $", and nothing will wake it: no timer, socket or channel holds its waker. Innermost suspended: {Culprit}. " +
              "A future that returns Pending must first arrange for cx.Waker to be woken (see rule AG0102)."
            : $"; it is still waiting on {WaitingOn}, so it is slow, not lost{slowAdvice}.";
        if (Backtrace.Count > 0) text += $" Async backtrace: {AsyncBacktrace.Format(Backtrace)}";
        return text;
    }
}
