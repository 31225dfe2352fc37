using AsyncGen.Diagnostics;

namespace AsyncGen.Runtime.Tests.Combinators;

/// <summary>
/// A select whose side throws cancels the other side and waits for its cleanup before it throws, as awaiting the
/// faulted task <c>Task.WhenAny</c> returned would after cancelling and awaiting the other; the side's exception is
/// the one thrown, and a cleanup's exception is counted in <see cref="CancelledCleanup.SelectLoserFailed"/> and
/// reported, never replacing it. Cancelled in place, a select whose two cleanups throw throws the first after both
/// ended. Fallback machines (no generator in this project).
/// </summary>
public class SelectFailureTests
{
    private sealed class Gate : Future<int>
    {
        public override Poll<int> Poll(ref Context cx) => Poll<int>.Pending; // never opens: the side is cancelled there
    }

    private static async Future<int> Fails(string message)
    {
        await Future.Yield();
        throw new InvalidOperationException(message);
    }

    private static async Future<int> Closes(List<string> log, string? failure = null)
    {
        try
        {
            await new Gate();
            return 1;
        }
        finally
        {
            log.Add("close");
            await Future.Yield(); // the cleanup waits
            log.Add("closed");
            if (failure is not null) throw new InvalidDataException(failure);
        }
    }

    private static async Future<int> SelectThenLog(IFuture<Either<int, int>> select, List<string> log)
    {
        try
        {
            return (await select).First;
        }
        finally
        {
            log.Add("select ended");
        }
    }

    private static async Task<int> ClosesTask(List<string> log, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 1;
        }
        finally
        {
            log.Add("close");
            await Task.Yield();
            log.Add("closed");
        }
    }

    [Fact]
    public async Task A_side_that_throws_ends_the_select_after_the_other_sides_cleanup_that_waits_as_WhenAny_then_cancel_and_await_does()
    {
        var expected = new List<string>();
        using (var cancellation = new CancellationTokenSource())
        {
            var failing = Task.Run<int>(async () => { await Task.Yield(); throw new InvalidOperationException("side failed"); });
            var other = ClosesTask(expected, cancellation.Token);
            var first = await Task.WhenAny(failing, other);
            cancellation.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => other);
            lock (expected) expected.Add("select ended");
            Assert.Equal("side failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        }

        var log = new List<string>();
        var error = Assert.Throws<InvalidOperationException>(() => Executor.BlockOn(SelectThenLog(Future.Select(Fails("side failed"), Closes(log)), log)));

        Assert.Equal("side failed", error.Message);
        Assert.Equal(expected, log);
    }

    [Fact]
    public void A_side_that_throws_keeps_its_exception_when_the_other_sides_cleanup_throws_too_which_is_reported()
    {
        var log = new List<string>();
        var (thrown, reported) = Run("loser cleanup failed after a side threw", () =>
            Executor.BlockOn(Future.Select(Fails("side failed first"), Closes(log, "loser cleanup failed after a side threw"))));

        Assert.Equal("side failed first", Assert.IsType<InvalidOperationException>(thrown).Message);
        Assert.Single(reported);
        Assert.Equal(["close", "closed"], log);
    }

    [Fact]
    public void A_select_cancelled_in_place_throws_the_first_cleanup_exception_after_both_cleanups_ended()
    {
        var log = new List<string>();
        var select = Future.Select(Closes(log, "select cleanup failed"), Closes(log, "select cleanup failed"));
        Assert.True(PollOnce(ref select));

        var (thrown, reported) = Run("select cleanup failed", () =>
        {
            Assert.True(select.CancelInPlace()); // both cleanups wait
            while (PollOnce(ref select)) { }
        });

        Assert.IsType<InvalidDataException>(thrown);
        Assert.Single(reported);
        Assert.Equal(["close", "close", "closed", "closed"], log); // the second cleanup ran to its end, not cut
    }

    /// <summary>A side whose cleanup waits for ever, and whose disposal (cutting that cleanup) throws.</summary>
    private sealed class CutFails(string failure) : Future<int>
    {
        public override Poll<int> Poll(ref Context cx) => Poll<int>.Pending;

        public override bool CancelInPlace() => true; // its cleanup waits

        public override void Dispose() => throw new InvalidDataException(failure);
    }

    [Fact]
    public void A_select_disposed_while_both_cleanups_wait_throws_the_first_cut_exception_and_reports_the_second()
    {
        var select = Future.Select(new CutFails("first cut failed"), new CutFails("second cut failed"));
        Assert.True(PollOnce(ref select));
        Assert.True(select.CancelInPlace()); // both cleanups wait

        var (thrown, reported) = Run("second cut failed", () => select.Dispose());

        Assert.Equal("first cut failed", Assert.IsType<InvalidDataException>(thrown).Message); // not replaced
        Assert.Single(reported);
    }

    /// <summary>Polls once with a no-op waker; true while pending.</summary>
    private static bool PollOnce(ref SelectFuture<int, int> select)
    {
        var cx = new Context(Waker.Noop);
        return select.Poll(ref cx).IsPending;
    }

    /// <summary>
    /// Runs <paramref name="body"/>, which must throw, and returns what it threw and the unobserved failures with
    /// <paramref name="reportedMessage"/> it reported (each counted).
    /// </summary>
    private static (Exception Thrown, List<Exception> Reported) Run(string reportedMessage, Action body)
    {
        var reported = new List<Exception>();
        EventHandler<UnobservedTaskFailureEventArgs> hook = (_, e) =>
        {
            if (e.Exception.Message == reportedMessage) lock (reported) reported.Add(e.Exception);
        };
        long failed = CancelledCleanup.SelectLoserFailed;
        Exception thrown;
        RuntimeDiagnostics.UnobservedTaskFailure += hook;
        try
        {
            thrown = Assert.ThrowsAny<Exception>(body);
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= hook;
        }
        Assert.True(CancelledCleanup.SelectLoserFailed >= failed + reported.Count); // other tests may count concurrently
        return (thrown, reported);
    }
}
