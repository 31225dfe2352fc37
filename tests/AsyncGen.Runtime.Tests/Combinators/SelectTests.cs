using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Combinators;

public class SelectTests
{
    private static int s_finallyRuns;

    private static async Future<string> Loser()
    {
        try
        {
            await Time.Sleep(TimeSpan.FromHours(1));
            return "never";
        }
        finally
        {
            s_finallyRuns++;
        }
    }

    [Fact]
    public void Select_returns_the_first_ready_side_and_disposes_the_loser_exactly_once_running_its_finally()
    {
        s_finallyRuns = 0;
        var result = Executor.BlockOn(Future.Select(Loser(), new TrackedFuture<int>(7, pendingPolls: 2)));
        Assert.True(result.IsSecond);
        Assert.Equal(7, result.Second);
        Assert.Equal(1, s_finallyRuns);
    }

    [Fact]
    public void Select_disposes_the_hand_written_loser_once_and_never_the_winner()
    {
        var winner = new TrackedFuture<string>("w", pendingPolls: 1);
        var loser = new TrackedFuture<int>(0, pendingPolls: -1);
        var select = Future.Select(winner, loser);
        Assert.Equal("w", Executor.BlockOn(select).First);
        Assert.Equal(1, loser.Disposals);
        Assert.Equal(0, winner.Disposals);
    }

    [Fact]
    public void The_first_side_wins_a_tie()
    {
        var first = new TrackedFuture<int>(1, 0);
        var second = new TrackedFuture<int>(2, 0);
        Assert.Equal(1, Executor.BlockOn(Future.Select(first, second)).First);
        Assert.Equal(0, second.Polls);
        Assert.Equal(1, second.Disposals);
    }

    [Fact]
    public void An_exception_from_one_side_disposes_the_other_and_propagates()
    {
        var error = new InvalidDataException("boom");
        var other = new TrackedFuture<int>(0, -1);
        var select = Future.Select(other, new TrackedFuture<int>(0, 1, error));
        Assert.Same(error, Assert.Throws<InvalidDataException>(() => Executor.BlockOn(select)));
        Assert.Equal(1, other.Disposals);
    }

    [Fact]
    public void Disposing_a_pending_select_disposes_both_sides_once()
    {
        var first = new TrackedFuture<int>(0, -1);
        var second = new TrackedFuture<int>(0, -1);
        var select = Future.Select(first, second);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(select.Poll(ref cx).IsPending);
        select.Dispose();
        select.Dispose();
        Assert.Equal(1, first.Disposals);
        Assert.Equal(1, second.Disposals);
    }
}
