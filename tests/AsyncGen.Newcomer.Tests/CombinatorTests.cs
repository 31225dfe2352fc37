using System.Collections.Concurrent;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// <c>Future.Join</c>, <c>JoinAll</c> and <c>Select</c> of generated futures: results, the loser's cleanup, and an
/// exception of one side cancelling the other.
/// </summary>
public partial class CombinatorTests
{
    private sealed class Resource(ConcurrentQueue<string> log, string name) : IDisposable
    {
        public void Dispose() => log.Enqueue($"{name} disposed");
    }

    [PollAsync]
    private static async Future<int> Fetch(int value, int yields)
    {
        for (int i = 0; i < yields; i++) await Future.Yield();
        return value;
    }

    [PollAsync]
    private static async Future<string> Label(string text)
    {
        await Future.Yield();
        return text.ToUpperInvariant();
    }

    [PollAsync]
    private static async Future<int> HoldsResourceForever(ConcurrentQueue<string> log, string name)
    {
        using var resource = new Resource(log, name);
        try
        {
            await Time.Sleep(Timeout.InfiniteTimeSpan);
            return -1;
        }
        finally
        {
            log.Enqueue($"{name} finally");
        }
    }

    [PollAsync]
    private static async Future<int> FailsAfter(int yields)
    {
        for (int i = 0; i < yields; i++) await Future.Yield();
        throw new InvalidDataException("side failed");
    }

    [PollAsync]
    private static async Future<string> JoinTwoKinds()
    {
        var (number, label) = await Future.Join(Fetch(41, 3), Label("done"));
        return $"{number + 1} {label}";
    }

    [Fact]
    public void Join_of_two_generated_futures_of_different_types_returns_both_results()
    {
        Assert.Equal("42 DONE", Executor.BlockOn(JoinTwoKinds()));
    }

    [Fact]
    public void Join_can_be_BlockOn_directly_from_a_test()
    {
        var (a, b, c) = Executor.BlockOn(Future.Join(Fetch(1, 2), Fetch(2, 0), Label("x")));
        Assert.Equal((1, 2, "X"), (a, b, c));
    }

    [Fact]
    public void JoinAll_returns_results_in_order_of_the_futures_not_of_completion()
    {
        var futures = new List<IFuture<int>>();
        for (int i = 0; i < 10; i++) futures.Add(Fetch(i, 10 - i));
        var results = Executor.BlockOn(Future.JoinAll(futures));
        Assert.Equal(Enumerable.Range(0, 10), results);
    }

    [Fact]
    public void Select_returns_the_winner_and_runs_the_losers_using_and_finally()
    {
        var log = new ConcurrentQueue<string>();
        var winner = Executor.BlockOn(Future.Select(HoldsResourceForever(log, "loser"), Fetch(7, 2)));
        Assert.True(winner.IsSecond);
        Assert.Equal(7, winner.Second);
        Assert.Equal(["loser finally", "loser disposed"], log);
    }

    [Fact]
    public void An_exception_in_one_side_of_Join_disposes_the_other_side_and_propagates()
    {
        var log = new ConcurrentQueue<string>();
        var error = Assert.Throws<InvalidDataException>(
            () => Executor.BlockOn(Future.Join(HoldsResourceForever(log, "other"), FailsAfter(2))));
        Assert.Equal("side failed", error.Message);
        Assert.Equal(["other finally", "other disposed"], log);
    }

    [Fact]
    public void Select_on_a_work_stealing_executor_runs_the_losers_cleanup_before_BlockOn_returns()
    {
        var log = new ConcurrentQueue<string>();
        using var executor = new WorkStealingExecutor(2);
        var winner = executor.BlockOn(Future.Select(Fetch(3, 1), HoldsResourceForever(log, "slow")));
        Assert.Equal(3, winner.First);
        Assert.Equal(["slow finally", "slow disposed"], log);
    }

    [PollAsync]
    private static async Future<int> RaceAgainstJoinedChildren()
    {
        // Select over two spawned tasks' handles: the loser's handle is disposed, which aborts that task.
        var fast = Executor.Spawn(Fetch(5, 1));
        var slow = Executor.Spawn(Time.Sleep(Timeout.InfiniteTimeSpan).AsFuture());
        var first = await Future.Select(fast, slow);
        await Future.Yield();
        return first.IsFirst && slow.IsCompleted ? first.First : -1;
    }

    [Fact]
    public void Select_of_two_join_handles_aborts_the_losing_task()
    {
        Assert.Equal(5, Executor.BlockOn(RaceAgainstJoinedChildren()));
    }
}
