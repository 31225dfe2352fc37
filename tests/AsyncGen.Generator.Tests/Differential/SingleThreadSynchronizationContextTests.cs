namespace AsyncGen.Generator.Tests.Differential;

/// <summary>The Task world's context: every continuation on the starting thread, in the order queued.</summary>
public class SingleThreadSynchronizationContextTests
{
    private static async Task<string> Worker(string name, List<string> log, List<int> threads)
    {
        for (var i = 1; i <= 3; i++)
        {
            await Task.Yield();
            threads.Add(Environment.CurrentManagedThreadId);
            log.Add(name + i);
        }
        return name;
    }

    [Fact]
    public void Two_tasks_take_turns_on_the_starting_thread()
    {
        var log = new List<string>();
        var threads = new List<int>();
        var starter = 0;
        var result = SingleThreadSynchronizationContext.Run(async () =>
        {
            starter = Environment.CurrentManagedThreadId;
            var a = Worker("a", log, threads);
            var b = Worker("b", log, threads);
            await Task.Delay(1); // a timer completes on the pool: the continuation still comes back here
            return await a + await b;
        }, StallLimit.Value);

        Assert.Equal("ab", result);
        Assert.Equal(["a1", "b1", "a2", "b2", "a3", "b3"], log);
        Assert.All(threads, thread => Assert.Equal(starter, thread));
    }

    [Fact]
    public void A_task_that_never_ends_is_a_TimeoutException_not_a_hang()
    {
        Assert.Throws<TimeoutException>(() =>
            SingleThreadSynchronizationContext.Run(() => new TaskCompletionSource<int>().Task, TimeSpan.FromMilliseconds(50)));
    }
}
