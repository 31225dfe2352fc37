using AsyncGen;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Sync;

/// <summary>Helpers shared by the sync and combinator tests: hand polling, threads running executors, random delays.</summary>
internal static class SyncTestSupport
{
    /// <summary>Generous bound that turns a lost wake-up into a failure instead of a hung test run.</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="future"/> once with the waker of <paramref name="target"/>.</summary>
    public static Poll<T> PollOnce<T>(this IFuture<T> future, CountingWakeTarget target)
    {
        var cx = new Context(target.Waker);
        return future.Poll(ref cx);
    }

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

    /// <summary>Yields <paramref name="times"/> times: a random, short, deterministic-in-outcome delay.</summary>
    public static async Future YieldTimes(int times)
    {
        for (int i = 0; i < times; i++) await Future.Yield();
    }
}
