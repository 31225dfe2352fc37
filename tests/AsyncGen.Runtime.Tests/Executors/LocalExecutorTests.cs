using System.Runtime.CompilerServices;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Executors;

public class LocalExecutorTests
{
    [Fact]
    public void The_seed_CounterFuture_without_a_waker_is_reported_as_stalled_not_a_silent_hang()
    {
        var error = Assert.Throws<StalledTaskException>(() =>
            Executor.BlockOn(new BrokenCounterFuture(max: 3), TimeSpan.FromMilliseconds(200)));
        Assert.Equal("BrokenCounterFuture", error.TaskName);
        Assert.Equal(1, error.PollCount);
        Assert.Contains("BrokenCounterFuture", error.Message);
        Assert.Contains("cx.Waker", error.Message);
        Assert.IsAssignableFrom<TimeoutException>(error);
    }

    [Fact]
    public void A_self_waking_task_does_not_starve_the_others()
    {
        using var executor = new LocalExecutor();
        var busy = new SelfWakingFuture(times: 1_000);
        var order = new List<string>();
        executor.Spawn(busy);
        executor.Spawn(Note(order, "other"));
        executor.Run();
        Assert.Equal(["other"], order);
        Assert.True(busy.Polls > 0);
    }

    private static async Future<int> Note(List<string> order, string name)
    {
        await Time.Sleep(TimeSpan.Zero);
        order.Add(name);
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailDeep() => throw new FormatException("from the task");

    private static async Future<int> Fails()
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        FailDeep();
        return 1;
    }

    private static async Future<int> JoinsFailingChild()
    {
        var child = Executor.Spawn(Fails());
        return await child;
    }

    [Fact]
    public void A_task_exception_reaches_the_join_handle_with_its_original_stack_trace()
    {
        var error = Assert.Throws<FormatException>(() => Executor.BlockOn(JoinsFailingChild()));
        Assert.Contains(nameof(FailDeep), error.StackTrace);
    }

    private static int s_cleanups;

    private static async Future<int> WaitsForever()
    {
        try
        {
            await Time.Sleep(TimeSpan.FromDays(1));
            return 0;
        }
        finally
        {
            s_cleanups++;
        }
    }

    [Fact]
    public void Disposing_the_executor_cancels_unfinished_tasks_running_their_finally_once()
    {
        s_cleanups = 0;
        var executor = new LocalExecutor();
        var handle = executor.Spawn(WaitsForever());
        Assert.Throws<StalledTaskException>(() => executor.BlockOn(Time.Sleep(TimeSpan.FromDays(1)), TimeSpan.FromMilliseconds(20)));
        executor.Dispose();
        executor.Dispose();
        Assert.Equal(1, s_cleanups);
        Assert.True(handle.IsCompleted);
    }

    [Fact]
    public void Blocking_on_an_executor_from_inside_a_task_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Executor.BlockOn(BlocksInside()));
        Assert.Contains("Await the future instead", error.Message);
    }

    private static async Future<int> BlocksInside()
    {
        await Time.Sleep(TimeSpan.Zero);
        return Executor.BlockOn(Time.Sleep(TimeSpan.Zero)) == default ? 1 : 0;
    }

    [Fact]
    public void Spawn_outside_a_task_says_what_to_do()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Executor.Spawn(Time.Sleep(TimeSpan.Zero)));
        Assert.Contains("LocalExecutor", error.Message);
    }

    [Fact]
    public void A_timer_future_polled_outside_an_executor_says_what_to_do()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            var sleep = Time.Sleep(TimeSpan.FromSeconds(1));
            var cx = new Context(Waker.Noop);
            sleep.Poll(ref cx);
        });
        Assert.Contains("Executor.BlockOn", error.Message);
    }

    [Fact]
    public void A_wake_from_another_thread_unparks_the_executor()
    {
        Assert.Equal(42, Executor.BlockOn(WaitsForThreadPool()));
    }

    private static async Future<int> WaitsForThreadPool()
    {
        await Task.Delay(20);
        return 42;
    }

    [Fact]
    public void Using_a_disposed_executor_says_its_tasks_were_cancelled_and_to_create_a_new_one()
    {
        var local = new LocalExecutor();
        var stealing = new WorkStealingExecutor(workerCount: 1);
        local.Dispose();
        stealing.Dispose();
        foreach (var use in new Action[]
                 {
                     () => local.Spawn(Time.Sleep(TimeSpan.Zero)), () => local.Run(), () => local.BlockOn(Time.Sleep(TimeSpan.Zero)),
                     () => stealing.Spawn(Time.Sleep(TimeSpan.Zero)), () => stealing.BlockOn(Time.Sleep(TimeSpan.Zero)),
                 })
        {
            var error = Assert.Throws<ObjectDisposedException>(use);
            Assert.Contains("cancelled its unfinished tasks", error.Message, StringComparison.Ordinal);
            Assert.Contains("create a new executor", error.Message, StringComparison.Ordinal);
        }
    }
}
