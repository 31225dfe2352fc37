using System.Collections.Concurrent;

namespace AsyncGen.Newcomer.Tests.RuntimeApi;

/// <summary>
/// CancellationToken the way .NET code passes it around: a token parameter checked with
/// <c>ThrowIfCancellationRequested</c>, linked tokens, <c>CancelAfter</c>, a token handed to <c>Task.Delay</c>, a
/// task aborted through its handle, <c>ConfigureAwait(false)</c> out of habit. Each test states first what the .NET
/// equivalent does.
/// </summary>
public partial class CancellationHabitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<int> PollingLoop(CancellationToken token)
    {
        int rounds = 0;
        while (true)
        {
            token.ThrowIfCancellationRequested();
            await Time.Sleep(TimeSpan.FromMilliseconds(1));
            rounds++;
        }
    }

    /// <summary>
    /// .NET: an <c>async Task</c> loop calling <c>ThrowIfCancellationRequested</c> ends in a Canceled task; awaiting
    /// it throws OperationCanceledException (TaskCanceledException is not guaranteed). Here BlockOn throws it.
    /// </summary>
    [Fact]
    public void ThrowIfCancellationRequested_ends_the_future_with_OperationCanceledException_on_both_executors()
    {
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(10)))
        {
            var e = Assert.ThrowsAny<OperationCanceledException>(() => Executor.BlockOn(PollingLoop(cts.Token), Limit));
            Assert.Equal(cts.Token, e.CancellationToken);
        }
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(10)))
        using (var pool = new WorkStealingExecutor(2))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => pool.BlockOn(PollingLoop(cts.Token), Limit));
        }
    }

    [PollAsync]
    private static async Future<int> LongWork(ConcurrentQueue<string> log, TaskCompletionSource? started = null)
    {
        try
        {
            started?.TrySetResult();
            await Time.Sleep(TimeSpan.FromHours(1));
            return 1;
        }
        finally
        {
            log.Enqueue("cleanup");
        }
    }

    /// <summary>
    /// .NET: <c>CreateLinkedTokenSource(a, b)</c> is cancelled when either is; the work observing it stops with
    /// OperationCanceledException carrying the linked token. Here <c>WithCancellation</c> disposes the work (its
    /// finally runs) and throws.
    /// </summary>
    [Fact]
    public async Task WithCancellation_on_a_linked_token_cancels_when_one_of_its_sources_is_cancelled()
    {
        var log = new ConcurrentQueue<string>();
        using var shutdown = new CancellationTokenSource();
        using var request = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token, request.Token);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var pool = new WorkStealingExecutor(2);
        var work = pool.SpawnAsTask(LongWork(log, started).WithCancellation(linked.Token));
        await started.Task.WaitAsync(Limit);
        await request.CancelAsync();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work.WaitAsync(Limit));
        Assert.Equal(linked.Token, e.CancellationToken);
        Assert.Equal(["cleanup"], log);
    }

    /// <summary>.NET: <c>WaitAsync(token)</c> with an already-cancelled token throws at once, without running the work.</summary>
    [Fact]
    public void WithCancellation_on_an_already_cancelled_token_throws_without_starting_the_future()
    {
        var log = new ConcurrentQueue<string>();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Executor.BlockOn(LongWork(log).WithCancellation(cts.Token), Limit));
        Assert.Empty(log);
    }

    [PollAsync]
    private static async Future<string> DelayWithToken(CancellationToken token)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token).ConfigureAwait(false);
            return "delay finished";
        }
        catch (TaskCanceledException e) when (e.CancellationToken == token)
        {
            return "cancelled";
        }
    }

    /// <summary>
    /// .NET: <c>await Task.Delay(Infinite, token).ConfigureAwait(false)</c> throws TaskCanceledException carrying
    /// the token when it is cancelled. The same code inside a future.
    /// </summary>
    [Fact]
    public void Task_Delay_with_a_token_and_ConfigureAwait_false_inside_a_future()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(5));
        Assert.Equal("cancelled", Executor.BlockOn(DelayWithToken(cts.Token), Limit));
    }

    [PollAsync]
    private static async Future<(int Before, int After, int ValueTaskAfter)> ThreadsAroundConfigureAwait()
    {
        int before = Environment.CurrentManagedThreadId;
        await Task.Run(() => Thread.Sleep(1)).ConfigureAwait(false);
        int after = Environment.CurrentManagedThreadId;
        await new ValueTask<int>(Task.Run(() => 3)).ConfigureAwait(false);
        return (before, after, Environment.CurrentManagedThreadId);
    }

    /// <summary>
    /// .NET: after <c>ConfigureAwait(false)</c> the code may continue on a thread-pool thread. A future is polled
    /// by its executor, so the code after the await runs on the executor's thread regardless (the flag only
    /// matters to Task code): on a LocalExecutor that is the BlockOn thread.
    /// </summary>
    [Fact]
    public void Code_after_ConfigureAwait_false_still_runs_on_the_executor_thread()
    {
        int caller = Environment.CurrentManagedThreadId;
        var (before, after, valueTaskAfter) = Executor.BlockOn(ThreadsAroundConfigureAwait(), Limit);
        Assert.Equal(caller, before);
        Assert.Equal(caller, after);
        Assert.Equal(caller, valueTaskAfter);
    }

    [PollAsync]
    private static async Future<string> AbortChild(ConcurrentQueue<string> log)
    {
        // As with a Task cancelled before it ran, a child aborted before its first poll runs no finally: wait until it runs
        // (one yield is not enough on a work-stealing executor, where another worker may not have polled it yet).
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = Executor.Spawn(LongWork(log, started));
        await started.Task;
        child.Abort();
        try
        {
            await child;
            return "completed";
        }
        catch (OperationCanceledException)
        {
            return "aborted";
        }
    }

    /// <summary>
    /// .NET: awaiting a cancelled task throws TaskCanceledException (an OperationCanceledException). Here awaiting
    /// an aborted handle throws OperationCanceledException and the child's finally has run.
    /// </summary>
    [Fact]
    public void Awaiting_an_aborted_handle_throws_OperationCanceledException_after_its_finally_ran()
    {
        var log = new ConcurrentQueue<string>();
        Assert.Equal("aborted", Executor.BlockOn(AbortChild(log), Limit));
        Assert.Equal(["cleanup"], log);
        using var pool = new WorkStealingExecutor(2);
        Assert.Equal("aborted", pool.BlockOn(AbortChild(log), Limit));
        Assert.Equal(["cleanup", "cleanup"], log);
    }

    [PollAsync]
    private static async Future<int> WorkUntilStopped(CancellationToken stop)
    {
        int ticks = 0;
        var interval = Time.Interval(TimeSpan.FromMilliseconds(1));
        while (true)
        {
            var next = await Future.Select(stop.AsFuture(), interval.Tick());
            if (next.IsFirst) return ticks;
            ticks++;
        }
    }

    /// <summary>
    /// .NET: <c>await Task.WhenAny(Task.Delay(-1, stop), timer.WaitForNextTickAsync())</c> in a loop. Here the
    /// token as a future in a Select ends the loop without an exception.
    /// </summary>
    [Fact]
    public void A_token_as_a_future_in_a_select_ends_an_interval_loop()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
        using var pool = new WorkStealingExecutor(2);
        Assert.InRange(pool.BlockOn(WorkUntilStopped(cts.Token), Limit), 0, int.MaxValue);
        Assert.True(cts.IsCancellationRequested);
    }
}
