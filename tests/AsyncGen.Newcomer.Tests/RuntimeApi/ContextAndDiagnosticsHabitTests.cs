using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AsyncGen.Diagnostics;
using AsyncGen.Sync;

namespace AsyncGen.Newcomer.Tests.RuntimeApi;

/// <summary>
/// AsyncLocal, <c>await using</c>, metrics through a MeterListener and the task dump, written as a .NET developer
/// would. Each test states first what the .NET equivalent does.
/// </summary>
public partial class ContextAndDiagnosticsHabitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static readonly AsyncLocal<string?> RequestId = new();

    [PollAsync]
    private static async Future<string?> ReadRequestIdAfterAnAwait()
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return RequestId.Value;
    }

    /// <summary>
    /// .NET: an AsyncLocal set before <c>Task.Run</c> is seen inside it (the ExecutionContext flows), and a value set
    /// while the thread pool's threads were created is not seen by unrelated work later. A work-stealing executor
    /// polls on its own threads: it flows a spawner's context only when asked (<c>FlowExecutionContext = true</c>,
    /// or <c>WithExecutionContext()</c> per future), as the README says, and its threads must not keep the context
    /// of whoever created the executor (they did: every task saw the creator's values).
    /// </summary>
    [Fact]
    public async Task An_AsyncLocal_flows_into_a_spawned_future_only_when_asked_and_never_from_the_executors_creator()
    {
        RequestId.Value = "creator";
        using var plain = new WorkStealingExecutor(2);
        using var flowing = new WorkStealingExecutor(2) { FlowExecutionContext = true };
        RequestId.Value = "spawner";
        try
        {
            Assert.Null(await plain.SpawnAsTask(ReadRequestIdAfterAnAwait()).WaitAsync(Limit));
            Assert.Equal("spawner", await plain.SpawnAsTask(ReadRequestIdAfterAnAwait().WithExecutionContext()).WaitAsync(Limit));
            Assert.Equal("spawner", await flowing.SpawnAsTask(ReadRequestIdAfterAnAwait()).WaitAsync(Limit));
        }
        finally
        {
            RequestId.Value = null;
        }
    }

    private sealed class AsyncResource(string name, ConcurrentQueue<string> log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Task.Delay(1);
            log.Enqueue($"disposed {name}");
        }
    }

    [PollAsync]
    private static async Future<int> UseResources(ConcurrentQueue<string> log)
    {
        await using var outer = new AsyncResource("outer", log);
        await using (var inner = new AsyncResource("inner", log).ConfigureAwait(false))
        {
            await Time.Sleep(TimeSpan.FromMilliseconds(1));
            log.Enqueue("body");
        }
        log.Enqueue("after inner");
        return 1;
    }

    private static async Task<int> UseResourcesAsTask(ConcurrentQueue<string> log)
    {
        await using var outer = new AsyncResource("outer", log);
        await using (var inner = new AsyncResource("inner", log).ConfigureAwait(false))
        {
            await Task.Delay(1);
            log.Enqueue("body");
        }
        log.Enqueue("after inner");
        return 1;
    }

    /// <summary>
    /// .NET: <c>await using</c> disposes in reverse order at the end of each scope, awaiting each DisposeAsync,
    /// with or without <c>ConfigureAwait(false)</c>. The future logs what the <c>async Task</c> version logs.
    /// </summary>
    [Fact]
    public async Task Await_using_disposes_like_async_Task_code()
    {
        var expected = new ConcurrentQueue<string>();
        await UseResourcesAsTask(expected);
        var actual = new ConcurrentQueue<string>();
        using var pool = new WorkStealingExecutor(2);
        Assert.Equal(1, pool.BlockOn(UseResources(actual), Limit));
        Assert.Equal(expected, actual);
        Assert.Equal(["body", "disposed inner", "after inner", "disposed outer"], actual);
    }

    [PollAsync]
    private static async Future SleepABit(int times)
    {
        for (int i = 0; i < times; i++) await Time.Sleep(TimeSpan.FromMilliseconds(1));
    }

    /// <summary>
    /// .NET: a MeterListener enabling a meter's instruments by name receives their measurements, observable ones
    /// when <c>RecordObservableInstruments()</c> is called. The "AsyncGen" meter tags each with its executor.
    /// </summary>
    [Fact]
    public void A_MeterListener_counts_the_timers_fired_on_the_users_executor()
    {
        using var executor = new LocalExecutor();
        long fired = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AsyncGenMetrics.MeterName && instrument.Name == "asyncgen.timer.fired") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == AsyncGenMetrics.ExecutorTag && (string?)tag.Value == executor.Name) Interlocked.Add(ref fired, value);
            }
        });
        listener.Start();
        executor.BlockOn(SleepABit(5), Limit);
        listener.RecordObservableInstruments();
        Assert.InRange(Interlocked.Read(ref fired), 5, long.MaxValue);
    }

    [PollAsync]
    private static async Future<int> WaitForOrder(ChannelReceiver<int> orders)
    {
        var order = await orders.Receive();
        return order.Value;
    }

    /// <summary>
    /// .NET: a debugger's Parallel Stacks shows where each task waits. Here <c>DumpTasks()</c> of a work-stealing
    /// executor lists the waiting task with a backtrace down to the channel receive, from another thread.
    /// </summary>
    [Fact]
    public void DumpTasks_of_a_work_stealing_executor_shows_a_task_waiting_on_a_channel()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);
        using var pool = new WorkStealingExecutor(2);
        var handle = pool.Spawn(WaitForOrder(receiver));
        TaskSnapshot? waiting = null;
        var deadline = DateTime.UtcNow + Limit;
        while (waiting is null && DateTime.UtcNow < deadline)
        {
            waiting = pool.DumpTasks().FirstOrDefault(task => task.Name == "WaitForOrderFuture" && task.Backtrace.Count > 0);
            if (waiting is null) Thread.Yield();
        }
        Assert.NotNull(waiting);
        var text = AsyncBacktrace.Format(waiting.Backtrace);
        Assert.Contains("WaitForOrder", text);
        Assert.Contains("orders.Receive()", text);
        Assert.Equal(AsyncFrameKind.Resource, waiting.Backtrace[^1].Kind);
        sender.TrySend(9);
        Assert.Equal(9, pool.BlockOn(handle, Limit));
    }
}
