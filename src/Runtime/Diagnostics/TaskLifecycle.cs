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

    /// <summary>One poll in 16 is timed for the poll-duration histogram (a power of two: a mask, not a division).</summary>
    public const int HistogramSampling = 16;

    /// <param name="task">The spawned task.</param>
    /// <param name="metrics">Its executor's metrics.</param>
    /// <param name="counters">The calling executor thread's block when the caller knows it (no thread-static lookup),
    /// else null.</param>
    public static void Spawned(ITaskCell task, ExecutorMetrics metrics, RuntimeCounters? counters = null)
    {
        if (counters is not null) counters.Count(RuntimeCounter.TasksSpawned);
        else metrics.Count(RuntimeCounter.TasksSpawned);
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
        WokenEvent(task, sameThread);
    }

    /// <summary>The event of <see cref="Woken"/> alone, for an executor thread that counted the wake on its own block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WokenEvent(ITaskCell task, bool sameThread)
    {
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

    /// <summary>The task completed: with a result, an exception, or disposed unfinished (<paramref name="cancelled"/>).</summary>
    /// <param name="task">The task.</param>
    /// <param name="scheduler">Its executor, which counts the completion.</param>
    /// <param name="error">The exception it completed with (a cancellation's too), or null.</param>
    /// <param name="cancelled">Its future was disposed unfinished.</param>
    /// <param name="aborted">With <paramref name="cancelled"/>: an abort was requested (the task's
    /// <see cref="TaskState.Cancelled"/> bit), as opposed to its executor disposing it at shutdown.</param>
    public static void Finished(ITaskCell task, ITaskScheduler scheduler, Exception? error, bool cancelled, bool aborted)
    {
        var log = AsyncGenEventSource.Log;
        if (aborted)
        {
            scheduler.CountCompletion(RuntimeCounter.TasksAborted);
            if (log.TasksEnabled(EventLevel.Verbose)) log.TaskAborted(task.Id, task.PollCount);
        }
        else if (cancelled)
        {
            scheduler.CountCompletion(RuntimeCounter.TasksCancelled);
            if (log.TasksEnabled(EventLevel.Verbose)) log.TaskCancelled(task.Id, task.PollCount);
        }
        else if (error is not null)
        {
            scheduler.CountCompletion(RuntimeCounter.TasksFaulted);
            if (log.TasksEnabled(EventLevel.Informational)) log.TaskFaulted(task.Id, task.Name, error.GetType().FullName ?? "", error.Message);
        }
        else
        {
            scheduler.CountCompletion(RuntimeCounter.TasksCompleted);
            if (log.TasksEnabled(EventLevel.Verbose)) log.TaskCompleted(task.Id, task.PollCount);
        }
    }

    private static void PollObserved(ITaskCell task, RuntimeCounters counters)
    {
        var log = AsyncGenEventSource.Log;
        bool verbose = log.TasksEnabled(EventLevel.Verbose);
        bool detectSlow = log.TasksEnabled(EventLevel.Warning);
        // The histogram times one poll in HistogramSampling: two precise clock reads per poll would cost more than
        // a short poll itself (≈ 45 ns each on the 2-core CI VM, against ≈ 50 ns for a whole yield).
        bool sample = RuntimeMeter.PollDuration.Enabled && (counters.Read(RuntimeCounter.Polls) & (HistogramSampling - 1)) == 0;
        if (!verbose && !detectSlow && !sample)
        {
            task.Run();
            return;
        }
        AsyncFrame? resumedFrom = detectSlow ? InnermostAwait(task) : null;
        // Read before the poll: a task that completes in it frees its waker-table slot, which keeps the id.
        long id = task.Id;
        if (verbose) log.TaskPollStart(id);
        // Slow polls are found with the coarse millisecond clock (CLOCK_MONOTONIC_COARSE, ≈ 8 ns a read): the
        // threshold is milliseconds too.
        long startMs = detectSlow ? Environment.TickCount64 : 0;
        long start = verbose || sample ? Stopwatch.GetTimestamp() : 0;
        task.Run();
        if (verbose || sample)
        {
            double seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            if (sample) RuntimeMeter.PollDuration.Record(seconds, counters.Owner.Tags.AsSpan()); // the array overload allocates
            if (verbose) log.TaskPollStop(id, seconds * 1000);
        }
        if (detectSlow && Environment.TickCount64 - startMs is var ms && ms >= RuntimeDiagnostics.SlowPollMs)
        {
            counters.Count(RuntimeCounter.SlowPolls);
            log.SlowPoll(id, task.Name, ms, resumedFrom?.ToString() ?? "the start of the task");
        }
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
