namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// Every BlockOn (Executor, LocalExecutor, WorkStealingExecutor) takes any non-negative limit including infinite,
/// rejects negative ones with the same exception, and cancels the task when it gives up.
/// </summary>
public class BlockOnLimitTests
{
    public static TheoryData<string> Executors => new() { "Executor", "LocalExecutor", "WorkStealingExecutor" };

    private static T BlockOn<T>(string executor, IFuture<T> future, TimeSpan limit)
    {
        switch (executor)
        {
            case "Executor":
                return Executor.BlockOn(future, limit);
            case "LocalExecutor":
            {
                using var local = new LocalExecutor();
                return local.BlockOn(future, limit);
            }
            default:
            {
                using var shared = new WorkStealingExecutor(2);
                return shared.BlockOn(future, limit);
            }
        }
    }

    /// <summary>Pending for ever and never wakes; counts its polls and disposals.</summary>
    private sealed class NeverFuture : IFuture<int>
    {
        private int _polls, _disposals;

        public int Polls => Volatile.Read(ref _polls);

        public int Disposals => Volatile.Read(ref _disposals);

        public Poll<int> Poll(ref Context cx)
        {
            Interlocked.Increment(ref _polls);
            return Poll<int>.Pending;
        }

        public void Dispose() => Interlocked.Increment(ref _disposals);
    }

    private static async Future<int> SleepThenAnswer()
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return 42;
    }

    [Theory]
    [MemberData(nameof(Executors))]
    public void Longest_and_infinite_limits_are_accepted(string executor)
    {
        Assert.Equal(42, BlockOn(executor, SleepThenAnswer(), TimeSpan.MaxValue));
        Assert.Equal(42, BlockOn(executor, SleepThenAnswer(), TimeSpan.FromDays(30))); // > int.MaxValue ms
        Assert.Equal(42, BlockOn(executor, SleepThenAnswer(), Timeout.InfiniteTimeSpan));
    }

    [Theory]
    [MemberData(nameof(Executors))]
    public void Negative_limits_throw_ArgumentOutOfRangeException_before_anything_runs(string executor)
    {
        foreach (var limit in new[] { TimeSpan.FromMilliseconds(-2), TimeSpan.MinValue, TimeSpan.FromTicks(-1) })
        {
            var future = new NeverFuture();
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => BlockOn(executor, future, limit));
            Assert.Equal("limit", error.ParamName);
            Assert.Equal(0, future.Polls);
        }
    }

    [Theory]
    [MemberData(nameof(Executors))]
    public void Giving_up_cancels_the_task(string executor)
    {
        var never = new NeverFuture();
        Assert.Throws<StalledTaskException>(() => BlockOn(executor, never, TimeSpan.FromMilliseconds(20)));
        // The work-stealing executor cancels on a worker; disposing the executor (in BlockOn above) waits for it.
        Assert.Equal(1, never.Disposals);
    }
}
