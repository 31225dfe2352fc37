using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Combinators;

public class JoinTests
{
    [Fact]
    public void Join_polls_both_sides_until_both_are_ready()
    {
        var slow = new TrackedFuture<int>(1, pendingPolls: 3);
        var fast = new TrackedFuture<string>("b", pendingPolls: 0);
        Assert.Equal((1, "b"), Executor.BlockOn(Future.Join(slow, fast)));
        Assert.Equal(4, slow.Polls);
        Assert.Equal(1, fast.Polls); // a finished side is not polled again
        Assert.Equal(0, slow.Disposals + fast.Disposals);
    }

    [Fact]
    public void Join_of_three_and_JoinAll_keep_the_input_order()
    {
        var three = Future.Join(new TrackedFuture<int>(1, 2), new TrackedFuture<int>(2, 0), new TrackedFuture<int>(3, 1));
        Assert.Equal((1, 2, 3), Executor.BlockOn(three));

        var all = Future.JoinAll(Enumerable.Range(0, 10).Select(i => (IFuture<int>)new TrackedFuture<int>(i, 10 - i)));
        Assert.Equal(Enumerable.Range(0, 10), Executor.BlockOn(all));
        Assert.Empty(Executor.BlockOn(Future.JoinAll(Array.Empty<IFuture<int>>())));
    }

    private static int s_finallyRuns;

    private static async Future<int> RunsFinallyWhenCancelled()
    {
        try
        {
            await Time.Sleep(TimeSpan.FromHours(1));
            return 0;
        }
        finally
        {
            s_finallyRuns++;
        }
    }

    [Fact]
    public void Join_propagates_the_first_exception_and_disposes_the_other_side()
    {
        s_finallyRuns = 0;
        var error = new InvalidDataException("first");
        var failing = new TrackedFuture<int>(0, pendingPolls: 1, error);
        var laterFailure = new TrackedFuture<int>(0, pendingPolls: 1, new InvalidDataException("second"));
        var join = Future.Join(failing, laterFailure, RunsFinallyWhenCancelled());

        var thrown = Assert.Throws<InvalidDataException>(() => Executor.BlockOn(join));
        Assert.Same(error, thrown);
        Assert.Equal(0, failing.Disposals);      // it finished by throwing
        Assert.Equal(1, laterFailure.Disposals); // not polled again after the first exception: disposed once
        Assert.Equal(1, s_finallyRuns);
    }

    [Fact]
    public void JoinAll_propagates_the_first_exception_and_disposes_every_pending_future()
    {
        var error = new InvalidDataException("boom");
        var pending = Enumerable.Range(0, 4).Select(_ => new TrackedFuture<int>(0, pendingPolls: -1)).ToArray();
        var futures = pending.Cast<IFuture<int>>().Append(new TrackedFuture<int>(0, 2, error));
        Assert.Same(error, Assert.Throws<InvalidDataException>(() => Executor.BlockOn(Future.JoinAll(futures))));
        Assert.All(pending, future => Assert.Equal(1, future.Disposals));
    }

    [Fact]
    public void Disposing_a_pending_join_disposes_each_unfinished_side_once()
    {
        var done = new TrackedFuture<int>(1, 0);
        var pending = new TrackedFuture<int>(2, -1);
        var join = Future.Join(done, pending);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(join.Poll(ref cx).IsPending);
        join.Dispose();
        join.Dispose();
        Assert.Equal(0, done.Disposals);
        Assert.Equal(1, pending.Disposals);
    }

    [Fact]
    public void Poll_after_ready_throws()
    {
        var join = Future.Join(new TrackedFuture<int>(1, 0), new TrackedFuture<int>(2, 0));
        var cx = new Context(Waker.Noop);
        Assert.True(join.Poll(ref cx).IsReady);
        try
        {
            join.Poll(ref cx);
            Assert.Fail("polled after ready");
        }
        catch (InvalidOperationException)
        {
        }
    }
}
