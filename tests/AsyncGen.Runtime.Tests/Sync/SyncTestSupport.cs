using AsyncGen;

namespace AsyncGen.Runtime.Tests.Sync;

/// <summary>Helpers shared by the sync and combinator tests: threads running executors, allocation checks, random delays.</summary>
internal static class SyncTestSupport
{
    /// <summary>Generous bound that turns a lost wake-up into a failure instead of a hung test run.</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <summary>Runs one future per thread, each on its own <see cref="LocalExecutor"/>; rethrows the first failure.</summary>
    public static void RunOnThreads<T>(int threads, Func<int, IFuture<T>> body)
    {
        var workers = new Task[threads];
        for (int i = 0; i < threads; i++)
        {
            int index = i;
            workers[i] = Task.Factory.StartNew(() => Executor.BlockOn(body(index), StallLimit),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        Task.WaitAll(workers);
    }

    /// <summary>
    /// Runs <paramref name="roundTrips"/> once to warm up (JIT, waiter slabs), then asserts that a longer run allocates
    /// nothing on this thread.
    /// </summary>
    /// <remarks>
    /// Up to <see cref="MeasuredRuns"/> runs are measured and one must allocate nothing. Tier-1 promotion is driven by
    /// call counts and a delay, so on a loaded machine the runtime can finish tiering up a method during a measured run
    /// and record one-off bytes on this thread (seen in full-suite runs under load). A steady-state allocation shows
    /// in every run of 10,000 round trips, so it still fails; the bytes of each run are in the message.
    /// </remarks>
    public static void AssertSteadyStateAllocatesNothing(Action<int> roundTrips)
    {
        roundTrips(1_000);
        var allocated = new long[MeasuredRuns];
        for (int run = 0; run < MeasuredRuns; run++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            roundTrips(10_000);
            allocated[run] = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated[run] == 0) return;
        }
        Assert.Fail($"every measured run of 10,000 round trips allocated: {string.Join(", ", allocated)} bytes");
    }

    /// <summary>Measured runs before a steady-state allocation is reported (see the remarks above).</summary>
    private const int MeasuredRuns = 3;

    /// <summary>
    /// Yields <paramref name="times"/> times: a short random delay to race against. Hand-written rather than an
    /// <c>async Future</c> method, because disposing a suspended fallback machine unwinds it with an exception, which
    /// would dominate the stress tests that dispose thousands of losers.
    /// </summary>
    public static IFuture<Unit> YieldTimes(int times) => new YieldCountdown(times);

    private sealed class YieldCountdown(int times) : IFuture<Unit>
    {
        private int _left = times;

        public Poll<Unit> Poll(ref Context cx)
        {
            if (_left-- == 0) return Poll<Unit>.Ready(default);
            cx.Waker.Wake();
            return Poll<Unit>.Pending;
        }
    }
}
