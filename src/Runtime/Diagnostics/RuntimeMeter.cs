using AsyncGen.Drivers.IoUring;
using AsyncGen.Fallback;
using System.Diagnostics.Metrics;

namespace AsyncGen.Diagnostics;

/// <summary>
/// The runtime's <see cref="System.Diagnostics.Metrics.Meter"/> named <c>AsyncGen</c>: what
/// <c>dotnet-counters monitor --counters AsyncGen</c>, OpenTelemetry or a <see cref="MeterListener"/> read.
/// </summary>
/// <remarks>
/// <para>Every instrument but the poll-duration histogram is observable: the hot paths only bump plain counters in
/// thread-owned <see cref="RuntimeCounters"/> blocks, and the sums are read when a listener collects. So nobody
/// listening costs nothing beyond those increments, and no path allocates. Each measurement is tagged with its
/// executor (<see cref="AsyncGenMetrics"/>: <c>executor</c> = <c>local-1</c>, <c>executor.kind</c> = <c>local</c> or <c>work-stealing</c>).</para>
/// <para>The histogram needs two clock reads per timed poll, so polls are timed only while it is enabled, and then
/// one in <see cref="TaskLifecycle.HistogramSampling"/>.</para>
/// </remarks>
internal static class RuntimeMeter
{
    /// <summary>The meter's name, also the EventSource's.</summary>
    public const string MeterName = AsyncGenMetrics.MeterName;

    private static readonly Lock s_lock = new();
    private static readonly List<WeakReference<ExecutorMetrics>> s_executors = [];
    private static readonly Meter s_meter = new(MeterName, typeof(RuntimeMeter).Assembly.GetName().Version?.ToString());

    /// <summary>The instrument name of each counter of <see cref="RuntimeCounter"/> (wakes share one, tagged by origin).</summary>
    public static readonly IReadOnlyDictionary<RuntimeCounter, string> CounterNames = new Dictionary<RuntimeCounter, string>
    {
        [RuntimeCounter.TasksSpawned] = "asyncgen.task.spawned",
        [RuntimeCounter.TasksCompleted] = "asyncgen.task.completed",
        [RuntimeCounter.TasksFaulted] = "asyncgen.task.faulted",
        [RuntimeCounter.TasksCancelled] = "asyncgen.task.cancelled",
        [RuntimeCounter.TasksAborted] = "asyncgen.task.aborted",
        [RuntimeCounter.Polls] = "asyncgen.task.polls",
        [RuntimeCounter.WakesSameThread] = "asyncgen.task.wakes",
        [RuntimeCounter.WakesOtherThread] = "asyncgen.task.wakes",
        [RuntimeCounter.Steals] = "asyncgen.executor.steals",
        [RuntimeCounter.OwnRingTurns] = "asyncgen.executor.own_ring_turns",
        [RuntimeCounter.Parks] = "asyncgen.executor.parks",
        [RuntimeCounter.Unparks] = "asyncgen.executor.unparks",
        [RuntimeCounter.IoEvents] = "asyncgen.io.events",
        [RuntimeCounter.TimersArmed] = "asyncgen.timer.armed",
        [RuntimeCounter.TimersFired] = "asyncgen.timer.fired",
        [RuntimeCounter.BudgetYields] = "asyncgen.task.budget_yields",
        [RuntimeCounter.SlowPolls] = "asyncgen.task.slow_polls",
        [RuntimeCounter.IoWakerContentions] = "asyncgen.io.waker_contentions",
    };

    /// <summary>Poll durations in seconds, tagged by executor; recorded while enabled, for one poll in 16.</summary>
    public static readonly Histogram<double> PollDuration = s_meter.CreateHistogram<double>(
        "asyncgen.task.poll.duration", "s", "How long polls of tasks ran (one poll in 16 is timed).");

    /// <summary>The process-wide counter of fallback machines started (<see cref="FallbackMachines.Started"/>).</summary>
    public const string FallbackStartedName = "asyncgen.fallback.started";

    /// <summary>The process-wide counter of detached <c>await using</c> disposals (<see cref="AsyncDisposal.Detached"/>).</summary>
    public const string AsyncDisposalDetachedName = "asyncgen.async_disposal.detached";

    /// <summary>The process-wide counter of awaiting finally blocks whose rest cancelled futures skipped (<see cref="CancelledCleanup.FinallySkipped"/>).</summary>
    public const string CancelledFinallySkippedName = "asyncgen.cancelled_cleanup.finally_skipped";

    /// <summary>The process-wide counter of awaiting finally blocks cancelled futures finished in a task of their own (<see cref="CancelledCleanup.Detached"/>).</summary>
    public const string CancelledCleanupDetachedName = "asyncgen.cancelled_cleanup.detached";

    /// <summary>io_uring: SQEs another thread queued into a worker's ring and left for it (<see cref="IoUringDriver.ForwardedSubmitCount"/>).</summary>
    public const string ForwardedSubmitsName = "asyncgen.io.forwarded_submits";

    /// <summary>io_uring: enters of a worker's ring from another thread (<see cref="IoUringDriver.ForeignRingSubmitCount"/>).</summary>
    public const string ForeignRingSubmitsName = "asyncgen.io.foreign_ring_submits";

    /// <summary>io_uring: reads of bytes another worker's ring received (<see cref="IoUringDriver.CrossRingReadCount"/>).</summary>
    public const string CrossRingReadsName = "asyncgen.io.cross_ring_reads";

    private static readonly object[] s_instruments = CreateObservables();

    /// <summary>Publishes <paramref name="executor"/>'s measurements until it is unregistered or collected.</summary>
    public static void Register(ExecutorMetrics executor)
    {
        lock (s_lock) s_executors.Add(new WeakReference<ExecutorMetrics>(executor));
    }

    public static void Unregister(ExecutorMetrics executor)
    {
        lock (s_lock) s_executors.RemoveAll(w => !w.TryGetTarget(out var e) || e == executor);
    }

    /// <summary>The executors alive and not disposed.</summary>
    public static List<ExecutorMetrics> Executors()
    {
        lock (s_lock)
        {
            var live = new List<ExecutorMetrics>(s_executors.Count);
            s_executors.RemoveAll(w => !w.TryGetTarget(out _));
            foreach (var weak in s_executors)
            {
                if (weak.TryGetTarget(out var executor)) live.Add(executor);
            }
            return live;
        }
    }

    private static object[] CreateObservables()
    {
        var instruments = new List<object>();
        foreach (var (counter, name) in CounterNames)
        {
            if (counter is RuntimeCounter.WakesSameThread or RuntimeCounter.WakesOtherThread) continue;
            instruments.Add(s_meter.CreateObservableCounter(name, () => Observe(counter), unit: "{" + Unit(counter) + "}"));
        }
        instruments.Add(s_meter.CreateObservableCounter("asyncgen.task.wakes", ObserveWakes, "{wake}",
            "Wakes that scheduled a task, tagged origin = same_thread (an executor thread) or other_thread."));
        instruments.Add(s_meter.CreateObservableUpDownCounter("asyncgen.task.alive",
            () => ObserveGauge(e => e.AliveTasks), "{task}", "Tasks spawned and not finished."));
        instruments.Add(s_meter.CreateObservableGauge("asyncgen.queue.injection.depth",
            () => ObserveGauge(e => e.InjectionQueueDepth), "{task}", "Tasks in the queue other threads schedule into."));
        instruments.Add(s_meter.CreateObservableGauge("asyncgen.queue.local.depth", ObserveLocalQueues, "{task}",
            "Tasks in each worker's local queue, tagged worker."));
        // Read from the executor's io_uring driver, which counts them itself: the threads that forward an SQE or enter
        // a worker's ring are often no executor's (a non-worker's I/O or close), so a thread's block would miss them.
        instruments.Add(s_meter.CreateObservableCounter(ForwardedSubmitsName, () => ObserveIoUring(d => d.ForwardedSubmitCount), "{submission}",
            "io_uring: SQEs another thread queued into a worker's ring and left for that worker to submit (an unpark, and a wait for its next turn)."));
        instruments.Add(s_meter.CreateObservableCounter(ForeignRingSubmitsName, () => ObserveIoUring(d => d.ForeignRingSubmitCount), "{enter}",
            "io_uring: io_uring_enter calls into a worker's ring from another thread (its completion work then runs on that thread)."));
        instruments.Add(s_meter.CreateObservableCounter(CrossRingReadsName, () => ObserveIoUring(d => d.CrossRingReadCount), "{read}",
            "io_uring: reads on a worker of bytes another worker's ring received (the task was stolen away from the ring its receive lives on)."));
        // Process-wide, not per executor: a fallback machine starts when its method is called, often before any
        // executor sees it (FallbackMachines).
        instruments.Add(s_meter.CreateObservableCounter(FallbackStartedName, () => FallbackMachines.Started, "{machine}",
            "Fallback state machines started: [PollAsync] calls the generator did not rewrite (AG0005-AG0009)."));
        // Process-wide too: a future may be disposed outside any executor (a Select's loser, a BlockOn's caller).
        instruments.Add(s_meter.CreateObservableCounter(AsyncDisposalDetachedName, () => AsyncDisposal.Detached, "{disposal}",
            "DisposeAsync calls of 'await using' resources that a cancelled future started and could not wait for."));
        instruments.Add(s_meter.CreateObservableCounter(CancelledFinallySkippedName, () => CancelledCleanup.FinallySkipped, "{block}",
            "Finally blocks that await whose rest the Dispose of a generated future suspended inside them skipped."));
        instruments.Add(s_meter.CreateObservableCounter(CancelledCleanupDetachedName, () => CancelledCleanup.Detached, "{block}",
            "Finally blocks that await, entered by the Dispose of a generated future, that had to wait and finished in a task of their own."));
        return [.. instruments];
    }

    private static string Unit(RuntimeCounter counter) => counter switch
    {
        RuntimeCounter.TasksSpawned or RuntimeCounter.TasksCompleted or RuntimeCounter.TasksFaulted
            or RuntimeCounter.TasksCancelled or RuntimeCounter.TasksAborted or RuntimeCounter.Steals => "task",
        RuntimeCounter.Polls or RuntimeCounter.SlowPolls => "poll",
        RuntimeCounter.Parks or RuntimeCounter.Unparks => "park",
        RuntimeCounter.OwnRingTurns => "turn",
        RuntimeCounter.IoEvents => "event",
        RuntimeCounter.IoWakerContentions => "contention",
        RuntimeCounter.TimersArmed or RuntimeCounter.TimersFired => "timer",
        _ => "yield",
    };

    private static IEnumerable<Measurement<long>> Observe(RuntimeCounter counter)
    {
        foreach (var executor in Executors()) yield return new(executor.Total(counter), executor.Tags);
    }

    private static IEnumerable<Measurement<long>> ObserveWakes()
    {
        foreach (var executor in Executors())
        {
            yield return new(executor.Total(RuntimeCounter.WakesSameThread), [.. executor.Tags, new("origin", "same_thread")]);
            yield return new(executor.Total(RuntimeCounter.WakesOtherThread), [.. executor.Tags, new("origin", "other_thread")]);
        }
    }

    private static IEnumerable<Measurement<long>> ObserveIoUring(Func<IoUringDriver, long> read)
    {
        foreach (var executor in Executors())
        {
            if (executor.IoDriver is IoUringDriver driver) yield return new(read(driver), executor.Tags);
        }
    }

    private static IEnumerable<Measurement<int>> ObserveGauge(Func<ExecutorMetrics, int> read)
    {
        foreach (var executor in Executors()) yield return new(read(executor), executor.Tags);
    }

    private static IEnumerable<Measurement<int>> ObserveLocalQueues()
    {
        foreach (var executor in Executors())
        {
            for (int i = 0; i < executor.Threads.Length; i++)
                yield return new(executor.LocalQueueDepth(i), [.. executor.Tags, new("worker", i)]);
        }
    }
}
