using System.Diagnostics;

namespace AsyncGen.Benchmarks;

/// <summary>
/// timers: 100k spawned tasks, task i sleeps 1 + i % 100 ms and records how late it woke (its overshoot: the time
/// from just before the sleep to just after it resumed, minus the duration; negative = woke early). The overshoot
/// therefore includes the wait in the run queue after the timer fired — a woken sleeper queued behind the first
/// polls of the tasks spawned after it shows here — but not the wait for its own first poll.
/// The arrays are allocated by the caller, so the bytes counted per sleep are the spawned task and its sleep only.
/// </summary>
internal static partial class TimerOvershoot
{
    /// <summary>Sleeping tasks per run.</summary>
    internal const int Sleepers = 100_000;

    /// <summary>Longest sleep, in ms: durations cycle 1, 2, …, 100 ms over the spawn order.</summary>
    private const int MaxSleepMs = 100;

    private static TimeSpan DurationOf(int i) => TimeSpan.FromMilliseconds(1 + i % MaxSleepMs);

    [PollAsync]
    private static async Future Sleeper(int i, long[] overshootTicks)
    {
        var duration = DurationOf(i);
        long start = Stopwatch.GetTimestamp();
        await Time.Sleep(duration);
        overshootTicks[i] = Stopwatch.GetElapsedTime(start).Ticks - duration.Ticks;
    }

    [PollAsync]
    private static async Future<int> SpawnAll(long[] overshootTicks, JoinHandle<Unit>[] handles)
    {
        for (int i = 0; i < handles.Length; i++) handles[i] = Executor.Spawn(Sleeper(i, overshootTicks));
        foreach (var handle in handles) await handle;
        return handles.Length;
    }

    private static async Task SleeperTask(int i, long[] overshootTicks)
    {
        var duration = DurationOf(i);
        long start = Stopwatch.GetTimestamp();
        await Task.Delay(duration);
        overshootTicks[i] = Stopwatch.GetElapsedTime(start).Ticks - duration.Ticks;
    }

    /// <summary>The arrays one run fills (allocated before the bytes are counted).</summary>
    internal sealed class Run
    {
        internal readonly long[] OvershootTicks = new long[Sleepers];
        internal readonly JoinHandle<Unit>[] Handles = new JoinHandle<Unit>[Sleepers];
        internal readonly Task[] Tasks = new Task[Sleepers];
    }

    internal static void RunAsyncGen(LocalExecutor executor, Run run) => executor.BlockOn(SpawnAll(run.OvershootTicks, run.Handles));

    internal static void RunAsyncGen(WorkStealingExecutor executor, Run run) => executor.BlockOn(SpawnAll(run.OvershootTicks, run.Handles));

    internal static void RunDotNet(Run run) =>
        Task.Run(() =>
        {
            for (int i = 0; i < Sleepers; i++) run.Tasks[i] = SleeperTask(i, run.OvershootTicks);
            return Task.WhenAll(run.Tasks);
        }).GetAwaiter().GetResult();
}
