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
}
