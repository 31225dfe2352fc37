using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// <c>using</c> and <c>await using</c> resources in futures that are cancelled (disposed) in every way a user can
/// cancel one: <c>JoinHandle.Abort</c>, <c>Time.Timeout</c>, <c>WithCancellation</c>, losing a <c>Select</c>,
/// disposing the executor with the task still running, and dropping a future that was polled by hand.
/// </summary>
public partial class ResourceCleanupTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private sealed class SyncResource(ConcurrentQueue<string> log, string name) : IDisposable
    {
        public void Dispose() => log.Enqueue($"{name}.Dispose");
    }

    private sealed class AsyncResource(ConcurrentQueue<string> log, string name) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            log.Enqueue($"{name}.DisposeAsync");
            return ValueTask.CompletedTask;
        }
    }

    [PollAsync]
    private static async Future<int> Outer(ConcurrentQueue<string> log)
    {
        using var outer = new SyncResource(log, "outer");
        try
        {
            return await Inner(log);
        }
        finally
        {
            log.Enqueue("outer finally");
        }
    }

    [PollAsync]
    private static async Future<int> Inner(ConcurrentQueue<string> log)
    {
        using (new SyncResource(log, "inner"))
        {
            await Time.Sleep(Timeout.InfiniteTimeSpan);
            return 1;
        }
    }

    private static readonly string[] NestedCleanup = ["inner.Dispose", "outer finally", "outer.Dispose"];

    [Fact]
    public void Time_Timeout_runs_nested_using_and_finally_innermost_first_once()
    {
        var log = new ConcurrentQueue<string>();
        Assert.Throws<TimeoutException>(() => Executor.BlockOn(Time.Timeout(Outer(log), TimeSpan.FromMilliseconds(2))));
        Assert.Equal(NestedCleanup, log);
    }

    [PollAsync]
    private static async Future<int> SignalThenOuter(ConcurrentQueue<string> log, StrongBox<bool> started)
    {
        Volatile.Write(ref started.Value, true);
        return await Outer(log);
    }

    [PollAsync]
    private static async Future<bool> AbortChild(ConcurrentQueue<string> log)
    {
        // On a work-stealing executor the child may not have been polled after a couple of yields, and aborting a
        // future never polled runs no cleanup (there is none yet): wait until it runs. An abort that lands during
        // that first poll takes effect after it, once Outer holds its resources.
        var started = new StrongBox<bool>();
        var child = Executor.Spawn(SignalThenOuter(log, started));
        while (!Volatile.Read(ref started.Value)) await Future.Yield();
        await Future.Yield();
        child.Abort();
        try
        {
            await child;
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    [Fact]
    public void Aborting_a_spawned_task_runs_its_cleanup_before_the_join_reports_cancellation()
    {
        var log = new ConcurrentQueue<string>();
        Assert.True(Executor.BlockOn(AbortChild(log)));
        Assert.Equal(NestedCleanup, log);

        var onWorkers = new ConcurrentQueue<string>();
        using var executor = new WorkStealingExecutor(2);
        Assert.True(executor.BlockOn(AbortChild(onWorkers)));
        Assert.Equal(NestedCleanup, onWorkers);
    }

    [Fact]
    public void Disposing_an_executor_with_a_task_still_waiting_runs_that_tasks_cleanup()
    {
        var log = new ConcurrentQueue<string>();
        var executor = new LocalExecutor();
        executor.Spawn(Outer(log));
        executor.BlockOn(Future.Yield());
        Assert.Empty(log);
        executor.Dispose();
        Assert.Equal(NestedCleanup, log);
    }

    [Fact]
    public void Disposing_a_work_stealing_executor_with_a_task_still_waiting_runs_that_tasks_cleanup()
    {
        var log = new ConcurrentQueue<string>();
        var executor = new WorkStealingExecutor(2);
        var task = executor.SpawnAsTask(Outer(log));
        executor.BlockOn(Future.Yield());
        executor.Dispose();
        Assert.Equal(NestedCleanup, log);
        Assert.True(task.IsCanceled);
    }

    [Fact]
    public void Dropping_a_future_polled_by_hand_runs_its_cleanup_on_Dispose()
    {
        // The Tour's "polling by hand": poll once inside an executor, then dispose the future instead of finishing it.
        var log = new ConcurrentQueue<string>();
        Assert.Equal(NestedCleanup, Executor.BlockOn(PollOnceThenDrop(log)));
    }

    [PollAsync]
    private static async Future<string[]> PollOnceThenDrop(ConcurrentQueue<string> log)
    {
        var future = Outer(log);
        var outcome = await Future.Select(future, Future.Yield());
        if (!outcome.IsSecond) return [];
        return [.. log];
    }

    [PollAsync]
    private static async Future<int> UsesAsyncResource(ConcurrentQueue<string> log, TaskCompletionSource started)
    {
        await using var resource = new AsyncResource(log, "async");
        started.TrySetResult();
        await Time.Sleep(Timeout.InfiniteTimeSpan);
        return 1;
    }

    [PollAsync]
    private static async Future<int> UsesAsyncResourceToTheEnd(ConcurrentQueue<string> log)
    {
        await using (new AsyncResource(log, "async"))
        {
            await Future.Yield();
        }
        return 1;
    }

    [Fact]
    public void Await_using_disposes_asynchronously_when_the_future_completes()
    {
        var log = new ConcurrentQueue<string>();
        Assert.Equal(1, Executor.BlockOn(UsesAsyncResourceToTheEnd(log)));
        Assert.Equal(["async.DisposeAsync"], log);
    }

    /// <summary>
    /// A suspended machine's Dispose cannot await, so for an <c>await using</c> it starts DisposeAsync (the resource's
    /// own disposal completes here at once; one that does not finishes on its own, as the generated header says).
    /// </summary>
    [Fact]
    public async Task Await_using_in_a_future_cancelled_by_a_token_disposes_the_resource_as_async_Task_does()
    {
        // async Task: the token ends the await with an exception and `await using` runs DisposeAsync on the way out.
        var expected = new ConcurrentQueue<string>();
        async Task Equivalent(CancellationToken token)
        {
            await using var resource = new AsyncResource(expected, "async");
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        }
        using var cts = new CancellationTokenSource();
        var task = Equivalent(cts.Token);

        var log = new ConcurrentQueue<string>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var executor = new WorkStealingExecutor(2);
        var future = executor.SpawnAsTask(UsesAsyncResource(log, started).WithCancellation(cts.Token));
        await started.Task.WaitAsync(Limit);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => future.WaitAsync(Limit));
        Assert.Equal(["async.DisposeAsync"], expected);
        Assert.Equal(["async.DisposeAsync"], log);
    }

    /// <summary>A resource whose DisposeAsync really waits (a flush): it cannot finish inside a cancelling Dispose.</summary>
    private sealed class FlushingResource(ConcurrentQueue<string> log, Task flushed) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            log.Enqueue("flush started");
            await flushed;
            log.Enqueue("flush done");
        }
    }

    [PollAsync]
    private static async Future<int> HoldsFlushingResource(ConcurrentQueue<string> log, Task flushed)
    {
        try
        {
            await using var resource = new FlushingResource(log, flushed);
            await Time.Sleep(Timeout.InfiniteTimeSpan);
            return 1;
        }
        finally
        {
            log.Enqueue("finally");
        }
    }

    [PollAsync]
    private static async Future<bool> LoseWhileFlushing(ConcurrentQueue<string> log, Task flushed)
    {
        var outcome = await Future.Select(HoldsFlushingResource(log, flushed), Future.Yield());
        return outcome.IsSecond;
    }

    [Fact]
    public void A_DisposeAsync_that_cannot_finish_inside_Dispose_is_detached_counted_and_still_completes()
    {
        var log = new ConcurrentQueue<string>();
        var flushed = new TaskCompletionSource();
        var detached = AsyncDisposal.Detached;

        Assert.True(Executor.BlockOn(LoseWhileFlushing(log, flushed.Task)));

        // The finally outside the await using ran without waiting for the flush: Dispose cannot await.
        Assert.Equal(["flush started", "finally"], log);
        Assert.True(AsyncDisposal.Detached > detached);
        flushed.SetResult();   // the flush continues on its own (on the pool: this thread has a test context)
        Assert.True(SpinWait.SpinUntil(() => log.Count == 3, Limit));
        Assert.Equal(["flush started", "finally", "flush done"], log);
    }

    [Fact]
    public void A_detached_DisposeAsync_that_fails_is_reported_as_an_unobserved_failure()
    {
        var log = new ConcurrentQueue<string>();
        var flushed = new TaskCompletionSource();
        var reported = new ConcurrentQueue<Exception>();
        EventHandler<AsyncGen.Diagnostics.UnobservedTaskFailureEventArgs> hook = (_, e) =>
        {
            if (e.Exception.Message == "disk full") reported.Enqueue(e.Exception);
        };
        AsyncGen.Diagnostics.RuntimeDiagnostics.UnobservedTaskFailure += hook;
        try
        {
            Assert.True(Executor.BlockOn(LoseWhileFlushing(log, flushed.Task)));
            flushed.SetException(new IOException("disk full"));
            Assert.True(SpinWait.SpinUntil(() => !reported.IsEmpty, Limit));
        }
        finally
        {
            AsyncGen.Diagnostics.RuntimeDiagnostics.UnobservedTaskFailure -= hook;
        }
        Assert.IsType<IOException>(Assert.Single(reported));
    }
}
