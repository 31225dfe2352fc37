using System.Diagnostics.Tracing;
using System.Reflection;
using AsyncGen.Generator.Tests.Differential;
using AsyncGen.Generator.Tests.Infrastructure;

namespace AsyncGen.Generator.Tests.Behaviour;

/// <summary>
/// What a generated machine disposed while suspended does with cleanup it cannot run at once: a finally block that
/// awaits runs up to an await that has to wait, and with no executor to finish it there, its rest is skipped, visibly
/// (<see cref="CancelledCleanup.FinallySkipped"/>, event 111 naming the method and line; CancelledFinallyTests covers
/// the executor paths); the enumerator of an <c>await foreach</c> suspended in <c>MoveNextAsync</c> is disposed once
/// that completes (detached: <see cref="AsyncDisposal.Detached"/>).
/// </summary>
[Collection(CleanupEventsCollection.Name)]
public class CancelledCleanupTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using AsyncGen;

        public static partial class Cleanup
        {
            [PollAsync]
            public static async Future<string> AwaitingFinally(List<string> log, Task first, Task second)
            {
                try
                {
                    log.Add("try");
                    await first;
                    log.Add("try done");
                }
                finally
                {
                    log.Add("finally starts");
                    await second;
                    log.Add("finally ends");
                }
                return "done";
            }

            public static async IAsyncEnumerable<int> Items(List<string> log, Task gate)
            {
                try
                {
                    yield return 1;
                    await gate;
                    yield return 2;
                }
                finally
                {
                    log.Add("enumerator disposed");
                }
            }

            [PollAsync]
            public static async Future<string> Consume(List<string> log, Task gate)
            {
                var sum = 0;
                await foreach (var item in Items(log, gate))
                {
                    sum += item;
                    log.Add("item " + item);
                }
                return sum.ToString();
            }
        }

        // Calls in code are intercepted into the generated machines (a call through reflection would take the fallback).
        public static class Entry
        {
            public static Future<string> AwaitingFinally(List<string> log, Task first, Task second) => Cleanup.AwaitingFinally(log, first, second);

            public static Future<string> Consume(List<string> log, Task gate) => Cleanup.Consume(log, gate);
        }
        """;

    private static readonly Lazy<Assembly> s_assembly = new(() =>
        CompiledWorlds.Load(GeneratorHarness.Run(Source, "Cleanup.cs").AssertCompiles().Output));

    private static Future<string> Start(string method, params object[] arguments) =>
        (Future<string>)s_assembly.Value.GetType("Entry")!.GetMethod(method)!.Invoke(null, arguments)!;

    [Fact]
    public void Dispose_in_the_try_outside_any_executor_runs_the_finally_block_until_it_waits_and_reports_the_rest()
    {
        var log = new List<string>();
        var first = new TaskCompletionSource();
        var future = Start("AwaitingFinally", log, first.Task, new TaskCompletionSource().Task);
        using var listener = new SkipListener("Cleanup.AwaitingFinally");
        var before = CancelledCleanup.FinallySkipped;

        var (_, finished) = new ManualPoller().Drive(future, 1);
        Assert.False(finished);
        Assert.StartsWith("FutureBox", future.GetType().Name, StringComparison.Ordinal); // the generated machine
        future.Dispose();

        Assert.Equal(["try", "finally starts"], log); // `await second` waits: no executor to finish the block on
        Assert.True(CancelledCleanup.FinallySkipped > before);
        Assert.Equal([11], listener.Lines); // the try statement's line in Source
    }

    [Fact]
    public void Dispose_inside_an_awaiting_finally_reports_its_skipped_rest()
    {
        var log = new List<string>();
        var first = new TaskCompletionSource();
        first.SetResult();
        var future = Start("AwaitingFinally", log, first.Task, new TaskCompletionSource().Task);
        using var listener = new SkipListener("Cleanup.AwaitingFinally");
        var before = CancelledCleanup.FinallySkipped;

        var (_, finished) = new ManualPoller().Drive(future, 1);
        Assert.False(finished);
        future.Dispose();
        future.Dispose(); // a second Dispose is a no-op: reported once

        Assert.Equal(["try", "try done", "finally starts"], log);
        Assert.True(CancelledCleanup.FinallySkipped > before);
        Assert.Equal([11], listener.Lines);
    }

    [Fact]
    public void Dispose_in_MoveNextAsync_disposes_the_enumerator_once_MoveNextAsync_completes()
    {
        var log = new List<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var future = Start("Consume", log, gate.Task);
        var detached = AsyncDisposal.Detached;

        var (_, finished) = new ManualPoller().Drive(future, 1);
        Assert.False(finished);
        future.Dispose();
        Assert.True(AsyncDisposal.Detached > detached, "the disposal that waits for MoveNextAsync is counted as detached");
        Assert.DoesNotContain("enumerator disposed", log); // an async iterator refuses DisposeAsync while MoveNextAsync runs

        gate.SetResult();
        Assert.True(SpinWait.SpinUntil(() => Snapshot(log).Contains("enumerator disposed"), StallLimit.Value),
            "the enumerator was never disposed");
        Assert.Equal(["item 1", "enumerator disposed"], Snapshot(log));
    }

    private static List<string> Snapshot(List<string> log)
    {
        lock (log) return [.. log];
    }

    /// <summary>Lines of the CancelledFinallySkipped events (111) of one method.</summary>
    private sealed class SkipListener(string method) : EventListener
    {
        private readonly List<int> _lines = [];

        public IReadOnlyList<int> Lines
        {
            get { lock (_lines) return [.. _lines]; }
        }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Warning);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventId == 111 && (string?)e.Payload?[0] == method)
                lock (_lines) _lines.Add((int)e.Payload![1]!);
        }
    }
}
