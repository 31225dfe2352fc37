using AsyncGen.Diagnostics;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Combinators;

/// <summary>Dropping a join drops the results it holds: a lock one side already took is released.</summary>
public class JoinCancellationTests
{
    [Fact]
    public void Cancelling_a_join_releases_the_lock_a_finished_side_took()
    {
        var first = new AsyncMutex<int>(0);
        var second = new AsyncMutex<int>(0);
        Assert.True(second.TryLock(out var held));
        var join = Future.Join(first.Lock(), second.Lock());
        var cx = new Context(Waker.Noop);
        Assert.True(join.Poll(ref cx).IsPending);

        join.Dispose();
        held.Dispose();

        Assert.False(first.IsLocked);
        Assert.False(second.IsLocked);
    }

    [Fact]
    public void A_join_whose_other_side_throws_releases_the_lock_a_finished_side_took()
    {
        var mutex = new AsyncMutex<int>(0);
        var failing = new TrackedFuture<int>(0, pendingPolls: 1, error: new InvalidOperationException("boom"));
        var join = Future.Join(mutex.Lock(), failing);
        var cx = new Context(Waker.Noop);
        Assert.True(join.Poll(ref cx).IsPending);

        Assert.Throws<InvalidOperationException>(() =>
        {
            var cx2 = new Context(Waker.Noop);
            join.Poll(ref cx2);
        });

        Assert.False(mutex.IsLocked);
    }
}

/// <summary>
/// A select whose loser fails to clean up keeps the winner's result, as <c>Task.WhenAny</c> never loses its winner to
/// the other task's failure; the failure is counted and reported as unobserved.
/// </summary>
public class SelectCleanupTests
{
    private sealed class PendingWithFailingCleanup(string message) : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => Poll<int>.Pending;

        public void Dispose() => throw new InvalidDataException(message);
    }

    /// <summary>Pending until cancelled in place; then its cleanup waits one poll and throws (a finally that awaits, then throws).</summary>
    private sealed class WaitingCleanupThatThrows(string message) : IFuture<int>
    {
        private bool _cancelled;
        private bool _waited;

        public Poll<int> Poll(ref Context cx)
        {
            if (!_cancelled) return Poll<int>.Pending;
            if (!_waited)
            {
                _waited = true;
                cx.Waker.Wake();
                return Poll<int>.Pending;
            }
            throw new InvalidDataException(message);
        }

        public bool CancelInPlace() => _cancelled = true;

        public void Dispose() { }
    }

    private sealed class Connection : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void When_the_loser_cleanup_throws_the_winner_keeps_its_lock_and_the_failure_is_reported()
    {
        var mutex = new AsyncMutex<int>(0);
        var reported = Reported("select loser cleanup failed at once", () =>
        {
            var select = Future.Select(mutex.Lock(), new PendingWithFailingCleanup("select loser cleanup failed at once"));
            var cx = new Context(Waker.Noop);
            var result = select.Poll(ref cx);
            Assert.True(result.IsReady);
            Assert.True(result.Value.TryGetFirst(out var guard));
            Assert.True(mutex.IsLocked); // the guard is the caller's, not disposed by the select
            guard.Dispose();
        });
        Assert.False(mutex.IsLocked);
        Assert.Single(reported);
    }

    [Fact]
    public void When_the_loser_cleanup_that_waits_throws_the_winner_value_is_returned_undisposed()
    {
        var connection = new Connection();
        var reported = Reported("select loser cleanup failed after waiting", () =>
        {
            var select = Future.Select(new WaitingCleanupThatThrows("select loser cleanup failed after waiting"), new TrackedFuture<Connection>(connection, pendingPolls: 0));
            var cx = new Context(Waker.Noop);
            Assert.True(select.Poll(ref cx).IsPending); // the loser's cleanup waits
            var result = select.Poll(ref cx);
            Assert.True(result.IsReady);
            Assert.True(result.Value.TryGetSecond(out var won));
            Assert.Same(connection, won);
        });
        Assert.False(connection.Disposed);
        Assert.Single(reported);
    }

    /// <summary>Runs <paramref name="body"/> and returns the unobserved failures with <paramref name="message"/> it reported (and counted).</summary>
    private static List<Exception> Reported(string message, Action body)
    {
        var reported = new List<Exception>();
        EventHandler<UnobservedTaskFailureEventArgs> hook = (_, e) =>
        {
            if (e.Exception.Message == message) lock (reported) reported.Add(e.Exception);
        };
        long failed = CancelledCleanup.SelectLoserFailed;
        RuntimeDiagnostics.UnobservedTaskFailure += hook;
        try
        {
            body();
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= hook;
        }
        Assert.True(CancelledCleanup.SelectLoserFailed >= failed + 1); // other tests may count concurrently
        Assert.All(reported, e => Assert.IsType<InvalidDataException>(e));
        return reported;
    }
}
