using AsyncGen.Fallback;
using AsyncGen.Runtime.Tests.Net;

namespace AsyncGen.Runtime.Tests.Core;

/// <summary>
/// A fallback machine (no generator in this project) cancelled in place — a <c>Select</c> loser, a joiner's
/// <c>CancelAsync</c> — is resumed with the cancellation once and then polled on, so its <c>finally</c> block that
/// awaits runs to its end before the canceller goes on, as an <c>async Task</c> cancelled through its token does and as
/// a generated machine's does; nothing is abandoned. Serial: <see cref="FallbackMachines.CleanupAbandoned"/> is process-wide.
/// </summary>
[Collection(SerialCollection.Name)]
public class FallbackCancelInPlaceTests
{
    private sealed class Gate : Future<int>
    {
        public override Poll<int> Poll(ref Context cx) => Poll<int>.Pending; // never opens: the future is cancelled there
    }

    private static async Future<int> Work(List<string> log)
    {
        try
        {
            Add(log, "work");
            await new Gate();
            Add(log, "after work");
            return 1;
        }
        finally
        {
            Add(log, "close");
            await Future.Yield();
            Add(log, "closed");
        }
    }

    private static async Task<int> WorkTask(List<string> log, CancellationToken ct)
    {
        try
        {
            Add(log, "work");
            await Task.Delay(Timeout.Infinite, ct);
            Add(log, "after work");
            return 1;
        }
        finally
        {
            Add(log, "close");
            await Task.Yield();
            Add(log, "closed");
        }
    }

    private static async Future<int> Quick()
    {
        await Future.Yield();
        return 2;
    }

    private static async Future<int> CancelThenLog(Future<int> running, List<string> log)
    {
        await running.CancelAsync();
        Add(log, "after cancel");
        return 0;
    }

    private static async Task<int> CancelThenLogTask(Task<int> running, CancellationTokenSource cancellation, List<string> log)
    {
        cancellation.Cancel();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }
        Add(log, "after cancel");
        return 0;
    }

    [Fact]
    public void A_fallback_Select_loser_runs_its_finally_that_waits_to_its_end_before_the_winner_is_returned()
    {
        var log = new List<string>();
        long abandoned = FallbackMachines.CleanupAbandoned;

        var winner = Executor.BlockOn(Future.Select(Work(log), Quick()));

        Assert.Equal(2, winner.Second);
        Assert.Equal(["work", "close", "closed"], Snapshot(log));
        Assert.Equal(abandoned, FallbackMachines.CleanupAbandoned);
    }

    [Fact]
    public void CancelAsync_of_a_fallback_future_completes_after_its_finally_that_waits_as_Cancel_then_await_does()
    {
        var expected = new List<string>();
        using (var cancellation = new CancellationTokenSource())
        {
            var running = WorkTask(expected, cancellation.Token);
            var done = CancelThenLogTask(running, cancellation, expected);
            Assert.True(((IAsyncResult)done).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(20)), "the Task never finished");
        }

        var actual = new List<string>();
        var future = Work(actual);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);
        Assert.Equal(0, Executor.BlockOn(CancelThenLog(future, actual)));

        Assert.Equal(["work", "close", "closed", "after cancel"], Snapshot(expected));
        Assert.Equal(Snapshot(expected), Snapshot(actual));
    }

    [Fact]
    public void Dispose_of_a_fallback_future_still_stops_its_finally_at_the_await_that_waits()
    {
        var log = new List<string>();
        var future = Work(log);
        var cx = new Context(Waker.Noop);
        Assert.True(future.Poll(ref cx).IsPending);

        future.Dispose(); // cannot wait: the awaited yield is cancelled too (see docs/cancellation.md)

        Assert.Equal(["work", "close"], Snapshot(log));
    }

    private static List<string> Snapshot(List<string> log)
    {
        lock (log) return [.. log];
    }

    private static void Add(List<string> log, string line)
    {
        lock (log) log.Add(line); // the Task twin's continuations run on pool threads (one at a time)
    }
}
