using System.Collections.Concurrent;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// [PollAsync] methods that spawn other [PollAsync] methods, keep the handles and join them: on both executors,
/// as the README's "More than one task" paragraph describes.
/// </summary>
public partial class SpawnTreeTests
{
    [PollAsync]
    private static async Future<int> Square(int n)
    {
        await Future.Yield();
        return n * n;
    }

    [PollAsync]
    private static async Future<int> SumOfSquares(int count)
    {
        var handles = new List<JoinHandle<int>>();
        for (int i = 1; i <= count; i++)
        {
            handles.Add(Executor.Spawn(Square(i)));
        }
        int sum = 0;
        foreach (var handle in handles)
        {
            sum += await handle;
        }
        return sum;
    }

    /// <summary>A task that spawns a task that spawns a task: each level joins the one below.</summary>
    [PollAsync]
    private static async Future<int> Depth(int level)
    {
        if (level == 0) return 0;
        var below = Executor.Spawn(Depth(level - 1));
        await Future.Yield();
        return 1 + await below;
    }

    /// <summary>Hands the handle of a spawned child back to the caller, who joins it.</summary>
    [PollAsync]
    private static async Future<JoinHandle<int>> StartSquare(int n)
    {
        await Future.Yield();
        return Executor.Spawn(Square(n));
    }

    [PollAsync]
    private static async Future<int> JoinStartedElsewhere()
    {
        var handle = await StartSquare(7);
        return await handle;
    }

    [Fact]
    public void Local_executor_BlockOn_joins_handles_stored_in_a_list()
    {
        Assert.Equal(385, Executor.BlockOn(SumOfSquares(10)));
    }

    [Fact]
    public void Work_stealing_executor_joins_handles_stored_in_a_list()
    {
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal(338350, executor.BlockOn(SumOfSquares(100)));
    }

    [Fact]
    public void Nested_spawns_join_level_by_level_on_both_executors()
    {
        Assert.Equal(20, Executor.BlockOn(Depth(20)));
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal(20, executor.BlockOn(Depth(20)));
    }

    [Fact]
    public void A_handle_returned_from_a_future_is_joined_by_its_caller()
    {
        Assert.Equal(49, Executor.BlockOn(JoinStartedElsewhere()));
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal(49, executor.BlockOn(JoinStartedElsewhere()));
    }

    [Fact]
    public void Spawning_on_a_LocalExecutor_and_running_it_completes_every_task()
    {
        using var executor = new LocalExecutor();
        var first = executor.Spawn(SumOfSquares(3));
        var second = executor.Spawn(Depth(5));
        executor.Run();
        Assert.True(first.IsCompleted);
        Assert.True(second.IsCompleted);
        Assert.Equal(0, executor.TaskCount);
        // After Run, the results are read by blocking on the (completed) handles.
        Assert.Equal(14, executor.BlockOn(first));
        Assert.Equal(5, executor.BlockOn(second));
    }

    [PollAsync]
    private static async Future<int> Worker(ConcurrentQueue<string> log, int id)
    {
        try
        {
            await Time.Sleep(Timeout.InfiniteTimeSpan);
            return id;
        }
        finally
        {
            log.Enqueue($"worker {id} finally");
        }
    }

    [PollAsync]
    private static async Future<int> Supervisor(ConcurrentQueue<string> log)
    {
        var workers = new List<JoinHandle<int>>();
        for (int i = 0; i < 3; i++) workers.Add(Executor.Spawn(Worker(log, i)));
        int sum = 0;
        foreach (var worker in workers) sum += await worker;
        return sum;
    }

    [PollAsync]
    private static async Future<int> YieldThenReturn(int yields)
    {
        for (int i = 0; i < yields; i++) await Future.Yield();
        return -1;
    }

    [PollAsync]
    private static async Future<string> CancelTheSupervisor(ConcurrentQueue<string> log)
    {
        // Cancelled by losing a Select once the workers have all started (not by a short timeout: under load that
        // can expire before a spawned task's first poll, and a task aborted before it started has nothing to clean).
        var winner = await Future.Select(Supervisor(log), YieldThenReturn(3));
        if (!winner.IsSecond) return "the supervisor finished";
        for (int i = 0; i < 3; i++) await Future.Yield(); // the aborted worker runs its cleanup meanwhile
        return string.Join(", ", log.Order());
    }

    [Fact]
    public void Cancelling_a_parent_aborts_the_child_it_was_awaiting_the_others_run_until_BlockOn_ends()
    {
        // What the runtime does today (tokio's model: a handle not being awaited is detached): the handle the parent
        // was suspended on is disposed with it, which aborts that child; handles kept in a list are not disposed.
        // The rest are cancelled when BlockOn returns (its executor ends). A structured-concurrency user may expect
        // all three to stop with the parent: keep the handles in something that disposes them (or abort them in a
        // finally) for that.
        var log = new ConcurrentQueue<string>();
        Assert.Equal("worker 0 finally", Executor.BlockOn(CancelTheSupervisor(log)));
        Assert.Equal(["worker 0 finally", "worker 1 finally", "worker 2 finally"], log.Order());
    }
}
