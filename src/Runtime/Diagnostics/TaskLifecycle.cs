using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using AsyncGen.Tasks;

namespace AsyncGen.Diagnostics;

/// <summary>
/// The instrumentation of a task's life, called by executors and task cells at one site each: spawn, wake, poll,
/// finish. Counts always (plain increments on the executor thread's block); writes events and times polls only
/// when someone listens.
/// </summary>
internal static class TaskLifecycle
{
    // Reused by the slow-poll detector on each executor thread: frames of generated machines are string literals,
    // so describing where a poll resumes allocates nothing.
    [ThreadStatic] private static List<AsyncFrame>? t_frames;

    public static void Spawned(ITaskCell task, ExecutorMetrics metrics)
    {
        metrics.Count(RuntimeCounter.TasksSpawned);
        var log = AsyncGenEventSource.Log;
        if (!log.TasksEnabled(EventLevel.Verbose)) return;
        // A machine that has not started describes its method's declaration (see IAsyncFrameSource).
        var frames = new List<AsyncFrame>();
        try
        {
            task.CollectOwnFrames(frames);
        }
        catch (Exception)
        {
            frames.Clear(); // the event goes out without a location
        }
        var start = frames.FirstOrDefault(f => f.File is not null);
        log.TaskSpawned(task.Id, task.Name, metrics.Name, start.File ?? "", start.Line);
    }

    /// <summary>A wake moved the task to its run queue; <paramref name="sameThread"/> when issued on an executor thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Woken(ITaskCell task, ExecutorMetrics metrics, bool sameThread)
    {
        if (sameThread) metrics.Count(RuntimeCounter.WakesSameThread);
        else metrics.Shared.CountAtomically(RuntimeCounter.WakesOtherThread);
        var log = AsyncGenEventSource.Log;
        if (log.IsEnabled() && log.TasksEnabled(EventLevel.Verbose)) log.TaskWoken(task.Id, sameThread ? "same_thread" : "other_thread");
    }

    /// <summary>Runs (polls) <paramref name="task"/> on the executor thread that owns <paramref name="counters"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Poll(ITaskCell task, RuntimeCounters counters)
    {
        counters.Count(RuntimeCounter.Polls);
        if (!AsyncGenEventSource.Log.IsEnabled() && !RuntimeMeter.PollDuration.Enabled) task.Run();
        else PollObserved(task, counters);
    }

    public static void Finished(ITaskCell task, ExecutorMetrics metrics, Exception? error, bool cancelled)
    {
        var log = AsyncGenEventSource.Log;
        if (cancelled)
        {
            metrics.Count(RuntimeCounter.TasksCancelled);
            if (log.TasksEnabled(EventLevel.Verbose)) log.TaskCancelled(task.Id, task.PollCount);
        }
        else if (error is not null)
        {
            metrics.Count(RuntimeCounter.TasksFaulted);
            if (log.TasksEnabled(EventLevel.Informational)) log.TaskFaulted(task.Id, task.Name, error.GetType().FullName ?? "", error.Message);
        }
        else
        {
            metrics.Count(RuntimeCounter.TasksCompleted);
            if (log.TasksEnabled(EventLevel.Verbose)) log.TaskCompleted(task.Id, task.PollCount);
        }
    }

    private static void PollObserved(ITaskCell task, RuntimeCounters counters)
    {
        var log = AsyncGenEventSource.Log;
        bool detectSlow = log.TasksEnabled(EventLevel.Warning);
        bool verbose = log.TasksEnabled(EventLevel.Verbose);
        AsyncFrame? resumedFrom = detectSlow ? InnermostAwait(task) : null;
        if (verbose) log.TaskPollStart(task.Id);
        long start = Stopwatch.GetTimestamp();
        task.Run();
        long elapsed = Stopwatch.GetTimestamp() - start;
        double seconds = elapsed / (double)Stopwatch.Frequency;
        if (RuntimeMeter.PollDuration.Enabled) RuntimeMeter.PollDuration.Record(seconds, counters.Owner.Tags.AsSpan()); // the array overload allocates
        if (elapsed >= RuntimeDiagnostics.SlowPollTicks)
        {
            counters.Count(RuntimeCounter.SlowPolls);
            if (detectSlow) log.SlowPoll(task.Id, task.Name, seconds * 1000, resumedFrom?.ToString() ?? "the start of the task");
        }
        if (verbose) log.TaskPollStop(task.Id, seconds * 1000);
    }

    /// <summary>The innermost await frame of a suspended task (where its next poll resumes), or null.</summary>
    private static AsyncFrame? InnermostAwait(ITaskCell task)
    {
        var frames = t_frames ??= [];
        frames.Clear();
        try
        {
            task.CollectOwnFrames(frames);
        }
        catch (Exception)
        {
            return null; // a future that cannot describe itself must not break its task's poll
        }
        for (int i = frames.Count - 1; i >= 0; i--)
        {
            if (frames[i].Kind == AsyncFrameKind.Await) return frames[i];
        }
        return null;
    }
}
