using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;
using AsyncGen.Sync;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// What a user reads about a running program: the task dump with async backtraces, the <c>AsyncGen</c> Meter
/// through a <see cref="MeterListener"/>, the <c>AsyncGen</c> EventSource through an <see cref="EventListener"/>,
/// and <see cref="RuntimeDiagnostics.UnobservedTaskFailure"/>.
/// </summary>
[Collection(DiagnosticsCollection.Name)]
public partial class DiagnosticsProgramTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<string> WaitForReply(OneshotReceiver<string> reply)
    {
        var answer = await reply;
        return answer.TryGetValue(out var text) ? text : "closed";
    }

    /// <summary>Spawns a child that waits, lets it run up to its await, then dumps the executor from inside a task.</summary>
    [PollAsync]
    private static async Future<IReadOnlyList<TaskSnapshot>> DumpWhileAChildWaits()
    {
        var (tx, rx) = Oneshot.Create<string>();
        var child = Executor.Spawn(WaitForReply(rx));
        await Future.Yield(); // every other ready task runs first: the child is now parked at its await
        var dump = LocalExecutor.Current!.DumpTasks();
        tx.Send("done");
        await child;
        return dump;
    }

    [Fact]
    public void DumpTasks_names_the_waiting_task_and_where_it_waits()
    {
        var dump = Executor.BlockOn(DumpWhileAChildWaits());
        var child = Assert.Single(dump, task => task.Name == "WaitForReplyFuture");
        Assert.Equal("idle", child.State);
        Assert.Equal(1, child.Polls);
        var frame = Assert.Single(child.Backtrace, frame => frame.Method.EndsWith(nameof(WaitForReply), StringComparison.Ordinal));
        Assert.EndsWith(nameof(DiagnosticsProgramTests) + ".cs", frame.File);
        Assert.Equal("reply", frame.Awaited);
        Assert.Contains("WaitForReplyFuture idle", child.ToString());
    }

    [Fact]
    public async Task DumpTasks_of_a_work_stealing_executor_from_the_test_thread_shows_a_sleeping_task()
    {
        using var executor = new WorkStealingExecutor(2);
        var (tx, rx) = Oneshot.Create<string>();
        var waiting = executor.SpawnAsTask(WaitForReply(rx));
        // A best-effort snapshot while the workers run: look until the task has been polled and parked.
        TaskSnapshot? parked = null;
        var deadline = DateTime.UtcNow + Limit;
        while (parked is null && DateTime.UtcNow < deadline)
        {
            parked = executor.DumpTasks().FirstOrDefault(task => task.Backtrace.Any(frame => frame.Method.EndsWith(nameof(WaitForReply), StringComparison.Ordinal)));
            if (parked is null) Thread.Yield();
        }
        Assert.True(parked is not null, TaskSnapshot.Format(executor.DumpTasks()));
        Assert.Equal("WaitForReplyFuture", parked.Name); // not the SpawnAsTask wrapper
        Assert.Contains("WaitForReply", AsyncBacktrace.Format(parked.Backtrace));
        tx.Send("go");
        Assert.Equal("go", await waiting.WaitAsync(Limit));
    }

    [PollAsync]
    private static async Future<int> SpawnTen()
    {
        var handles = new List<JoinHandle<int>>();
        for (int i = 0; i < 10; i++) handles.Add(Executor.Spawn(Square(i)));
        int sum = 0;
        foreach (var handle in handles) sum += await handle;
        return sum;
    }

    [PollAsync]
    private static async Future<int> Square(int n)
    {
        await Future.Yield();
        return n * n;
    }

    [Fact]
    public void A_MeterListener_reads_the_task_counters_of_the_users_executor()
    {
        var values = new ConcurrentDictionary<(string Instrument, string Executor), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "AsyncGen") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "executor") values[(instrument.Name, (string)tag.Value!)] = value;
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "executor") values[(instrument.Name, (string)tag.Value!)] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        var before = values.Keys.Select(key => key.Executor).ToHashSet();

        using var executor = new LocalExecutor();
        Assert.Equal(285, executor.BlockOn(SpawnTen()));
        values.Clear();
        listener.RecordObservableInstruments();
        // The executor's tag is not public: it is the one that was not there before.
        var mine = Assert.Single(values.Keys.Select(key => key.Executor).Where(name => name.StartsWith("local-", StringComparison.Ordinal) && !before.Contains(name)).Distinct());
        long spawned = values[("asyncgen.task.spawned", mine)];
        Assert.True(spawned >= 10, $"spawned {spawned}");
        Assert.Equal(spawned, values[("asyncgen.task.completed", mine)]);
        Assert.True(values[("asyncgen.task.polls", mine)] >= 2 * 10);
    }

    private sealed class TaskEvents : EventListener
    {
        public ConcurrentQueue<(string Name, IReadOnlyList<object?> Payload)> Events { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Informational, (EventKeywords)0x1);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e) =>
            Events.Enqueue((e.EventName ?? "", e.Payload ?? (IReadOnlyList<object?>)[]));
    }

    public sealed class InventoryException(string message) : Exception(message);

    [PollAsync]
    private static async Future<int> FailsWithMarker(string marker)
    {
        await Future.Yield();
        throw new InventoryException(marker);
    }

    [PollAsync]
    private static async Future<bool> SpawnAndCatch(string marker)
    {
        try
        {
            await Executor.Spawn(FailsWithMarker(marker));
            return false;
        }
        catch (InventoryException)
        {
            return true;
        }
    }

    [Fact]
    public void An_EventListener_sees_TaskFaulted_with_the_exception_type_and_message()
    {
        using var events = new TaskEvents();
        var marker = $"out of stock {Guid.NewGuid()}";
        Assert.True(Executor.BlockOn(SpawnAndCatch(marker)));
        var faulted = Assert.Single(events.Events, e => e.Name == "TaskFaulted" && e.Payload.Contains(marker));
        Assert.Contains("FailsWithMarkerFuture", faulted.Payload);
        Assert.Contains(faulted.Payload, value => value is string text && text.Contains(nameof(InventoryException)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SpawnAFailureNobodyAwaits(string marker)
    {
        using var executor = new LocalExecutor();
        _ = executor.Spawn(FailsWithMarker(marker));
        executor.Run();
    }

    [Fact]
    public void A_failed_task_nobody_awaited_is_reported_through_UnobservedTaskFailure()
    {
        var marker = $"lost {Guid.NewGuid()}";
        var seen = new ConcurrentQueue<UnobservedTaskFailureEventArgs>();
        EventHandler<UnobservedTaskFailureEventArgs> handler = (_, failure) =>
        {
            if (failure.Exception.Message == marker) seen.Enqueue(failure);
        };
        RuntimeDiagnostics.UnobservedTaskFailure += handler;
        try
        {
            SpawnAFailureNobodyAwaits(marker);
            for (int i = 0; i < 3 && seen.IsEmpty; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= handler;
        }
        var failure = Assert.Single(seen);
        Assert.Equal("FailsWithMarkerFuture", failure.TaskName);
        Assert.IsType<InventoryException>(failure.Exception);
    }
}

/// <summary>Listeners and counters are process-wide: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DiagnosticsCollection
{
    public const string Name = "Process-wide diagnostics";
}
