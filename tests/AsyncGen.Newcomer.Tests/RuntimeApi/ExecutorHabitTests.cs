using System.Collections.Concurrent;

namespace AsyncGen.Newcomer.Tests.RuntimeApi;

/// <summary>
/// Spawning and joining the way a .NET developer does with <c>Task.Run</c> / <c>Task.WhenAll</c>: a list of handles
/// joined at once, results read after the executor ran, an executor disposed with work still running.
/// Each test states first what the .NET equivalent does.
/// </summary>
public partial class ExecutorHabitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<int> Square(int x)
    {
        await Future.Yield();
        return x * x;
    }

    [PollAsync]
    private static async Future<int> SumOfSquaresViaHandles(int n)
    {
        var handles = new List<JoinHandle<int>>();
        for (int i = 1; i <= n; i++) handles.Add(Executor.Spawn(Square(i)));
        int[] results = await Future.JoinAll(handles);
        return results.Sum();
    }

    /// <summary>.NET: <c>await Task.WhenAll(tasks)</c> over a <c>List&lt;Task&lt;int&gt;&gt;</c> gives the results in order.</summary>
    [Fact]
    public void JoinAll_over_a_list_of_join_handles_gives_the_results_in_order_on_both_executors()
    {
        Assert.Equal(385, Executor.BlockOn(SumOfSquaresViaHandles(10), Limit));
        using var pool = new WorkStealingExecutor(2);
        Assert.Equal(385, pool.BlockOn(SumOfSquaresViaHandles(10), Limit));
    }

    /// <summary>
    /// .NET: after the work ran, <c>task.Result</c> / <c>task.GetAwaiter().GetResult()</c> returns the value. Here:
    /// spawn on a LocalExecutor, <c>Run()</c> it to the end, then read each handle.
    /// </summary>
    [Fact]
    public void Results_of_handles_are_read_after_LocalExecutor_Run_returns()
    {
        using var executor = new LocalExecutor();
        var handles = Enumerable.Range(1, 5).Select(i => executor.Spawn(Square(i))).ToList();
        executor.Run();
        Assert.All(handles, h => Assert.True(h.IsCompleted));
        Assert.Equal([1, 4, 9, 16, 25], handles.Select(h => executor.BlockOn(h, Limit)));
    }

    [PollAsync]
    private static async Future<int> Forever(ConcurrentQueue<string> log, int id, TaskCompletionSource started)
    {
        try
        {
            started.TrySetResult();
            while (true) await Time.Sleep(TimeSpan.FromMilliseconds(1));
        }
        finally
        {
            log.Enqueue($"finally {id}");
        }
    }

    /// <summary>
    /// .NET has no equivalent (the thread pool outlives everything); the README says disposing the executor disposes
    /// every task still running, so each one's <c>finally</c> runs once, and a handle awaited afterwards says so.
    /// </summary>
    [Fact]
    public async Task Disposing_a_work_stealing_executor_runs_the_finally_of_every_running_task()
    {
        var log = new ConcurrentQueue<string>();
        var started = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var pool = new WorkStealingExecutor(2);
        var handles = Enumerable.Range(0, 4).Select(i => pool.Spawn(Forever(log, i, started[i]))).ToList();
        await Task.WhenAll(started.Select(s => s.Task)).WaitAsync(Limit);
        pool.Dispose();
        Assert.Equal(4, log.Count);
        Assert.Equal(["finally 0", "finally 1", "finally 2", "finally 3"], log.Order());
        Assert.All(handles, h => Assert.True(h.IsCompleted));
    }

    [PollAsync]
    private static async Future<int> Fails(string message)
    {
        await Future.Yield();
        throw new InvalidOperationException(message);
    }

    [PollAsync]
    private static async Future<string> AwaitFailingHandle()
    {
        var handle = Executor.Spawn(Fails("boom"));
        try
        {
            await handle;
            return "no exception";
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>.NET: <c>await task</c> rethrows the task's own exception (not an AggregateException).</summary>
    [Fact]
    public void Awaiting_a_failed_handle_throws_the_original_exception_type_not_AggregateException()
    {
        Assert.Equal("boom", Executor.BlockOn(AwaitFailingHandle(), Limit));
        using var pool = new WorkStealingExecutor(2);
        Assert.Equal("boom", pool.BlockOn(AwaitFailingHandle(), Limit));
        var thrown = Assert.Throws<InvalidOperationException>(() => pool.BlockOn(Fails("direct"), Limit));
        Assert.Equal("direct", thrown.Message);
    }

    /// <summary>
    /// .NET: <c>Task.Run(...).Wait()</c> wraps in AggregateException, <c>GetAwaiter().GetResult()</c> does not. A
    /// future turned into a Task with <c>AsTask()</c> must fault with the original exception, so <c>.Wait()</c> gives
    /// AggregateException whose inner is it.
    /// </summary>
    [Fact]
    public void AsTask_of_a_failing_future_faults_like_an_async_Task_method()
    {
        var task = Fails("as task").AsTask();
        var aggregate = Assert.Throws<AggregateException>(() => task.Wait(Limit));
        Assert.IsType<InvalidOperationException>(Assert.Single(aggregate.InnerExceptions));
        Assert.Throws<InvalidOperationException>(() => task.GetAwaiter().GetResult());
    }

    [PollAsync]
    private static async Future<int> SpawnFromInside(int depth)
    {
        if (depth == 0) return 1;
        var left = Executor.Spawn(SpawnFromInside(depth - 1));
        var right = Executor.Spawn(SpawnFromInside(depth - 1));
        return await left + await right;
    }

    /// <summary>.NET: a recursive Task.Run tree sums its leaves. 2^8 leaves, spawned from inside tasks.</summary>
    [Fact]
    public void A_recursive_spawn_tree_completes_on_both_executors()
    {
        Assert.Equal(256, Executor.BlockOn(SpawnFromInside(8), Limit));
        using var pool = new WorkStealingExecutor(2);
        Assert.Equal(256, pool.BlockOn(SpawnFromInside(8), Limit));
    }
}
