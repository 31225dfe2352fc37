using System.Collections.Concurrent;
using System.Threading.Channels;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Task and ValueTask both ways, as a user mixes them: BCL awaitables inside [PollAsync] methods, futures awaited
/// from <c>async Task</c> code, a <see cref="CancellationToken"/> passed in, timeouts.
/// </summary>
public partial class TaskInteropTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<int> AddAfterTasks(int a)
    {
        await Task.Yield();
        int b = await Task.Run(() => 20);
        await Task.Delay(1);
        int c = await new ValueTask<int>(Task.Run(() => 1));
        return a + b + c;
    }

    [Fact]
    public void Task_Run_Task_Delay_and_ValueTask_are_awaited_inside_a_future_on_both_executors()
    {
        Assert.Equal(42, Executor.BlockOn(AddAfterTasks(21)));
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal(42, executor.BlockOn(AddAfterTasks(21)));
    }

    /// <summary>A System.Threading.Channels reader (ValueTask-based) consumed inside a future, fed by Task code.</summary>
    [PollAsync]
    private static async Future<int> SumFromBclChannel(ChannelReader<int> reader, TaskCompletionSource started)
    {
        started.SetResult();
        int sum = 0;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var item)) sum += item;
        }
        return sum;
    }

    [Fact]
    public async Task A_BCL_channel_written_from_Task_code_is_read_inside_a_spawned_future()
    {
        var channel = Channel.CreateUnbounded<int>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var executor = new WorkStealingExecutor(2);
        var sum = executor.SpawnAsTask(SumFromBclChannel(channel.Reader, started));
        await started.Task.WaitAsync(Limit);
        for (int i = 1; i <= 100; i++) await channel.Writer.WriteAsync(i);
        channel.Writer.Complete();
        Assert.Equal(5050, await sum.WaitAsync(Limit));
    }

    [PollAsync]
    private static async Future<string> AwaitFaultedAndCanceledTasks()
    {
        string seen = "";
        try
        {
            await Task.FromException(new FormatException("bad"));
        }
        catch (FormatException error)
        {
            seen += error.Message;
        }
        try
        {
            await Task.FromCanceled(new CancellationToken(canceled: true));
        }
        catch (TaskCanceledException)
        {
            seen += " canceled";
        }
        return seen;
    }

    [Fact]
    public void A_faulted_or_canceled_Task_throws_at_the_await_inside_a_future_as_in_async_Task()
    {
        Assert.Equal("bad canceled", Executor.BlockOn(AwaitFaultedAndCanceledTasks()));
    }

    [PollAsync]
    private static async Future<int> WaitForSignal(TaskCompletionSource<int> signal, TaskCompletionSource started)
    {
        started.SetResult();
        return await signal.Task + 1;
    }

    [Fact]
    public async Task A_future_waiting_on_a_Task_completed_later_by_another_thread_wakes_on_a_LocalExecutor()
    {
        var signal = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // AsTask outside an executor: a LocalExecutor on a thread of its own.
        var result = WaitForSignal(signal, started).AsTask();
        await started.Task.WaitAsync(Limit);
        signal.SetResult(41);
        Assert.Equal(42, await result.WaitAsync(Limit));
    }

    [PollAsync]
    private static async Future<int> SleepThenAnswer()
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return 42;
    }

    [Fact]
    public async Task AsTask_of_a_future_is_awaited_from_ordinary_async_code()
    {
        Assert.Equal(42, await SleepThenAnswer().AsTask().WaitAsync(Limit));
        var both = await Task.WhenAll(SleepThenAnswer().AsTask(), SleepThenAnswer().AsTask()).WaitAsync(Limit);
        Assert.Equal([42, 42], both);
    }

    /// <summary>The token flows in as a parameter and is handed to BCL calls, as in async Task code.</summary>
    [PollAsync]
    private static async Future<string> DelayWithToken(CancellationToken token, TaskCompletionSource started)
    {
        started.SetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return "completed";
        }
        catch (OperationCanceledException error) when (error.CancellationToken == token)
        {
            return "canceled by the token";
        }
    }

    [Fact]
    public async Task A_CancellationToken_parameter_cancels_a_Task_awaited_inside_the_future()
    {
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var executor = new WorkStealingExecutor(2);
        var result = executor.SpawnAsTask(DelayWithToken(cts.Token, started));
        await started.Task.WaitAsync(Limit);
        cts.Cancel();
        Assert.Equal("canceled by the token", await result.WaitAsync(Limit));
    }

    [PollAsync]
    private static async Future<int> SleepForeverInTryFinally(ConcurrentQueue<string> log, TaskCompletionSource started)
    {
        try
        {
            started.TrySetResult();
            await Time.Sleep(Timeout.InfiniteTimeSpan);
            return 0;
        }
        finally
        {
            log.Enqueue("finally");
        }
    }

    [Fact]
    public async Task WithCancellation_disposes_the_future_and_throws_OperationCanceledException_with_the_token()
    {
        var log = new ConcurrentQueue<string>();
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var executor = new WorkStealingExecutor(2);
        var result = executor.SpawnAsTask(SleepForeverInTryFinally(log, started).WithCancellation(cts.Token));
        await started.Task.WaitAsync(Limit);
        cts.Cancel();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => result.WaitAsync(Limit));
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal(["finally"], log);
    }

    [Fact]
    public void Time_Timeout_around_a_future_waiting_on_a_Task_that_never_completes_throws_TimeoutException()
    {
        var never = new TaskCompletionSource<int>();
        var error = Assert.Throws<TimeoutException>(
            () => Executor.BlockOn(Time.Timeout(WaitForSignal(never, new TaskCompletionSource()), TimeSpan.FromMilliseconds(5))));
        Assert.NotNull(error.Message);
    }

    [Fact]
    public void FromTask_cancels_the_token_it_gave_the_Task_when_the_future_times_out()
    {
        CancellationToken? tokenSeen = null;
        var future = CancellationInterop.FromTask(token =>
        {
            tokenSeen = token;
            return Task.Delay(Timeout.InfiniteTimeSpan, token);
        });
        Assert.Throws<TimeoutException>(() => Executor.BlockOn(Time.Timeout(future, TimeSpan.FromMilliseconds(5))));
        Assert.True(tokenSeen?.IsCancellationRequested);
    }

    [PollAsync]
    private static async Future<int> RaceTokenAgainstWork(CancellationToken token, TaskCompletionSource started)
    {
        started.SetResult();
        var outcome = await Future.Select(token.AsFuture(), Time.Sleep(Timeout.InfiniteTimeSpan));
        return outcome.IsFirst ? 1 : 2;
    }

    [Fact]
    public async Task Token_AsFuture_wins_a_Select_once_cancelled_from_another_thread()
    {
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = RaceTokenAgainstWork(cts.Token, started).AsTask();
        await started.Task.WaitAsync(Limit);
        cts.Cancel();
        Assert.Equal(1, await result.WaitAsync(Limit));
    }

    [Fact]
    public async Task A_future_ending_in_OperationCanceledException_gives_a_canceled_Task_as_async_Task_does()
    {
        // The async Task equivalent: an OperationCanceledException leaving the method makes the Task Canceled.
        async Task<int> Equivalent(CancellationToken token)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return 0;
        }
        using var cts = new CancellationTokenSource();
        var expected = Equivalent(cts.Token);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var executor = new WorkStealingExecutor(2);
        var spawned = executor.SpawnAsTask(SleepForeverInTryFinally(new(), started).WithCancellation(cts.Token));
        var started2 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asTask = SleepForeverInTryFinally(new(), started2).WithCancellation(cts.Token).AsTask();
        await started.Task.WaitAsync(Limit);
        await started2.Task.WaitAsync(Limit);
        cts.Cancel();
        foreach (var task in new[] { expected, spawned, asTask })
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(Limit));
        }
        Assert.True(expected.IsCanceled);
        Assert.Equal(TaskStatus.Canceled, spawned.Status);
        Assert.Equal(TaskStatus.Canceled, asTask.Status);
    }
}
