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
}
