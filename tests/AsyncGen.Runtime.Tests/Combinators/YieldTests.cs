namespace AsyncGen.Runtime.Tests.Combinators;

public class YieldTests
{
    private static async Future Step(List<string> log, string name, int yields)
    {
        for (int i = 0; i < yields; i++)
        {
            log.Add($"{name}{i}");
            await Future.Yield();
        }
    }

    [Fact]
    public void Yield_lets_every_other_ready_task_run_before_resuming()
    {
        var log = new List<string>();
        using var executor = new LocalExecutor();
        executor.Spawn(Step(log, "a", 3));
        executor.Spawn(Step(log, "b", 3));
        executor.Run();
        Assert.Equal(["a0", "b0", "a1", "b1", "a2", "b2"], log);
    }

    [Fact]
    public void Yield_is_pending_once_and_wakes_its_task()
    {
        var wakes = new Support.CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var yield = Future.Yield();
        Assert.True(yield.Poll(ref cx).IsPending);
        Assert.Equal(1, wakes.Wakes);
        Assert.True(yield.Poll(ref cx).IsReady);
    }

    private static async Future<List<string>> TwoYielders()
    {
        var log = new List<string>();
        var a = Executor.Spawn(Step(log, "a", 3));
        var b = Executor.Spawn(Step(log, "b", 3));
        await a;
        await b;
        return log;
    }

    [Fact]
    public void Yield_on_a_single_worker_work_stealing_executor_lets_the_other_task_run()
    {
        using var executor = new WorkStealingExecutor(workerCount: 1);
        var log = executor.BlockOn(TwoYielders(), Sync.SyncTestSupport.StallLimit);
        // Which task starts depends on the LIFO slot; after that, each yield must let the other one run.
        string first = log[0][..1], second = first == "a" ? "b" : "a";
        Assert.Equal([$"{first}0", $"{second}0", $"{first}1", $"{second}1", $"{first}2", $"{second}2"], log);
    }

    /// <summary>Yields through a copy of its context, and optionally wakes itself too, in the same poll.</summary>
    private sealed class CopiedContextYielder(bool alsoWake) : IFuture<int>
    {
        private YieldFuture _yield;
        public int Polls;

        public Poll<int> Poll(ref Context cx)
        {
            Polls++;
            var copy = cx; // a yield through the copy must reach the task's poll all the same
            if (_yield.Poll(ref copy).IsPending)
            {
                if (alsoWake) cx.Waker.Wake();
                return Poll<int>.Pending;
            }
            return Poll<int>.Ready(Polls);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_yield_through_a_copied_context_repolls_the_task_exactly_once(bool alsoWake)
    {
        using var executor = new LocalExecutor();
        var future = new CopiedContextYielder(alsoWake);
        Assert.Equal(2, executor.BlockOn(future, Sync.SyncTestSupport.StallLimit));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_yield_through_a_copied_context_repolls_the_task_exactly_once_on_a_work_stealing_executor(bool alsoWake)
    {
        using var executor = new WorkStealingExecutor(workerCount: 1);
        var future = new CopiedContextYielder(alsoWake);
        Assert.Equal(2, executor.BlockOn(future, Sync.SyncTestSupport.StallLimit));
    }

    [Fact]
    public void A_task_that_yielded_and_completed_in_the_same_poll_is_not_polled_again()
    {
        using var executor = new LocalExecutor();
        var future = new YieldThenReady();
        Assert.Equal(1, executor.BlockOn(future, Sync.SyncTestSupport.StallLimit));
        executor.Run(); // nothing left: a re-queue of the completed task would poll it after Ready
        Assert.Equal(1, future.Polls);
    }

    /// <summary>Polls a yield (Pending) but returns Ready anyway, as a select whose other branch won would.</summary>
    private sealed class YieldThenReady : IFuture<int>
    {
        public int Polls;

        public Poll<int> Poll(ref Context cx)
        {
            if (++Polls > 1) throw new InvalidOperationException("polled after Ready");
            var yield = Future.Yield();
            Assert.True(yield.Poll(ref cx).IsPending);
            return Poll<int>.Ready(Polls);
        }
    }
}
