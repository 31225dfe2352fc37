using AsyncGen.Diagnostics;

namespace AsyncGen.Runtime.Tests.Combinators;

/// <summary>
/// A join that a side's exception ends throws that exception — the first in time, whatever the side's position (review
/// G3; <c>await Task.WhenAll</c> throws the first in argument order, a cleanup's when its task comes first) — even when a cancelled side's <c>finally</c> block then throws too (review
/// F5). The cleanup's exception is not lost: a <c>Task</c> would keep it in its <c>AggregateException</c>, the join
/// counts it in <see cref="CancelledCleanup.JoinCleanupFailed"/> and reports it as an unobserved failure. Each scenario
/// runs beside its <c>Task.WhenAll</c> twin (fallback machines: no generator in this project).
/// </summary>
public class JoinFailureOrderTests
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

    private static async Future<int> CleanupThrows(string message)
    {
        try
        {
            await new Gate();
            return 1;
        }
        finally
        {
            await Future.Yield(); // the cleanup waits, then throws
            throw new InvalidDataException(message);
        }
    }

    private static async Task<int> FailsTask(string message, CancellationTokenSource onFailure)
    {
        await Task.Yield();
        onFailure.Cancel(); // cancelled on the first failure
        throw new InvalidOperationException(message);
    }

    private static async Task<int> CleanupThrowsTask(string message, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 1;
        }
        finally
        {
            await Task.Yield();
            throw new InvalidDataException(message);
        }
    }

    /// <summary>What <c>await Task.WhenAll</c> throws, and every exception its task holds.</summary>
    private static (Exception Thrown, Exception[] All) WhenAll(string side, string cleanup, int cleanups)
    {
        using var onFailure = new CancellationTokenSource();
        var tasks = new List<Task<int>> { FailsTask(side, onFailure) };
        for (int i = 0; i < cleanups; i++) tasks.Add(CleanupThrowsTask(cleanup, onFailure.Token));
        var all = Task.WhenAll(tasks);
        var thrown = Assert.ThrowsAny<Exception>(() => all.GetAwaiter().GetResult());
        return (thrown, [.. all.Exception!.InnerExceptions]);
    }

    [Fact]
    public void Join_of_a_side_that_throws_and_a_side_whose_cleanup_throws_throws_the_first_as_WhenAll_does_and_reports_the_cleanup()
    {
        var (expected, all) = WhenAll("pair side failed", "pair cleanup failed", cleanups: 1);

        var (thrown, reported) = Run("pair cleanup failed", () => Executor.BlockOn(Future.Join(Fails("pair side failed"), CleanupThrows("pair cleanup failed"))));

        Assert.Equal(expected.GetType(), thrown.GetType());
        Assert.Equal(expected.Message, thrown.Message);
        Assert.Equal(all.Skip(1).Select(e => e.Message), reported.Select(e => e.Message));
    }

    [Fact]
    public void Join_with_the_failing_side_second_throws_the_side_exception_where_WhenAll_throws_the_cleanups()
    {
        using var onFailure = new CancellationTokenSource();
        var cleanupTask = CleanupThrowsTask("second cleanup failed", onFailure.Token);
        var all = Task.WhenAll(cleanupTask, FailsTask("second side failed", onFailure));
        var whenAll = Assert.ThrowsAny<Exception>(() => all.GetAwaiter().GetResult());

        var (thrown, reported) = Run("second cleanup failed", () => Executor.BlockOn(Future.Join(CleanupThrows("second cleanup failed"), Fails("second side failed"))));

        Assert.Equal("second cleanup failed", whenAll.Message); // WhenAll: the first in argument order
        Assert.IsType<InvalidOperationException>(thrown); // the join: the failure that ended it, first in time
        Assert.Equal("second side failed", thrown.Message);
        Assert.Equal(["second cleanup failed"], reported.Select(e => e.Message));
    }

    [Fact]
    public void Join_of_three_throws_the_side_exception_and_reports_both_cleanup_exceptions()
    {
        var (expected, all) = WhenAll("triple side failed", "triple cleanup failed", cleanups: 2);

        var (thrown, reported) = Run("triple cleanup failed", () => Executor.BlockOn(Future.Join(
            Fails("triple side failed"), CleanupThrows("triple cleanup failed"), CleanupThrows("triple cleanup failed"))));

        Assert.Equal(expected.GetType(), thrown.GetType());
        Assert.Equal(expected.Message, thrown.Message);
        Assert.Equal(all.Skip(1).Select(e => e.Message), reported.Select(e => e.Message));
    }

    [Fact]
    public void JoinAll_throws_the_side_exception_and_reports_every_cleanup_exception()
    {
        var (expected, all) = WhenAll("joinall side failed", "joinall cleanup failed", cleanups: 3);

        var (thrown, reported) = Run("joinall cleanup failed", () => Executor.BlockOn(Future.JoinAll(
            [Fails("joinall side failed"), CleanupThrows("joinall cleanup failed"), CleanupThrows("joinall cleanup failed"), CleanupThrows("joinall cleanup failed")])));

        Assert.Equal(expected.GetType(), thrown.GetType());
        Assert.Equal(expected.Message, thrown.Message);
        Assert.Equal(3, all.Length - 1);
        Assert.Equal(all.Skip(1).Select(e => e.Message), reported.Select(e => e.Message));
    }

    [Fact]
    public void A_join_cancelled_in_place_throws_the_first_cleanup_exception_and_reports_the_second()
    {
        var join = Future.Join(CleanupThrows("in place cleanup failed"), CleanupThrows("in place cleanup failed"));
        Assert.True(PollOnce(ref join));

        var (thrown, reported) = Run("in place cleanup failed", () =>
        {
            Assert.True(join.CancelInPlace()); // both cleanups wait
            while (PollOnce(ref join)) { }
        });

        Assert.IsType<InvalidDataException>(thrown);
        Assert.Single(reported);
    }

    [Fact]
    public void Disposing_a_join_whose_sides_both_throw_on_disposal_throws_the_first_and_reports_the_second()
    {
        var join = Future.Join(new ThrowsOnDispose("first disposal failed"), new ThrowsOnDispose("second disposal failed"));
        Assert.True(PollOnce(ref join));

        var (thrown, reported) = Run("second disposal failed", join.Dispose);

        Assert.Equal("first disposal failed", thrown.Message);
        Assert.Single(reported);
    }

    /// <summary>Polls once with a no-op waker; true while pending.</summary>
    private static bool PollOnce<T>(ref JoinFuture<T, T> join)
    {
        var cx = new Context(Waker.Noop);
        return join.Poll(ref cx).IsPending;
    }

    private sealed class ThrowsOnDispose(string message) : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => Poll<int>.Pending;

        public void Dispose() => throw new InvalidDataException(message);
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
        long failed = CancelledCleanup.JoinCleanupFailed;
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
        Assert.True(CancelledCleanup.JoinCleanupFailed >= failed + reported.Count); // other tests may count concurrently
        return (thrown, reported);
    }
}
