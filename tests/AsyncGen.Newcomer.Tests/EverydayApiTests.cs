using AsyncGen.Sync;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Small things a user reaches for: a periodic timer loop stopped by a token, static lambdas and Func callbacks
/// awaited, a channel closed by the consumer in the middle of <c>await foreach</c>, and how a failing side of
/// <c>Future.Join</c> surfaces compared with <c>Task.WhenAll</c>.
/// </summary>
public partial class EverydayApiTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<int> Heartbeat(CancellationToken token)
    {
        var ticks = Time.Interval(TimeSpan.FromMilliseconds(1));
        int beats = 0;
        while (!token.IsCancellationRequested)
        {
            await ticks.Tick();
            beats++;
        }
        return beats;
    }

    [PollAsync]
    private static async Future<int> RunHeartbeat()
    {
        using var cts = new CancellationTokenSource();
        var heartbeat = Executor.Spawn(Heartbeat(cts.Token));
        await Time.Sleep(TimeSpan.FromMilliseconds(20));
        await cts.CancelAsync();
        return await heartbeat;
    }

    [Fact]
    public void An_interval_loop_stops_when_its_token_is_cancelled()
    {
        Assert.InRange(Executor.BlockOn(RunHeartbeat(), Limit), 1, int.MaxValue);
    }

    [PollAsync]
    private static async Future<int> Transform(int[] values, Func<int, int> map, Func<int, bool> keep)
    {
        int total = 0;
        foreach (var value in values)
        {
            await Future.Yield();
            if (keep(value)) total += map(value);
        }
        return total;
    }

    [PollAsync]
    private static async Future<string> UseStaticLambdas()
    {
        var factor = 10;
        var a = await Transform([1, 2, 3, 4], static x => x * x, static x => x % 2 == 0);
        var b = await Transform([1, 2, 3, 4], x => x * factor, x => x > await0());
        return $"{a} {b}";

        static int await0() => 1;
    }

    [Fact]
    public void Static_and_capturing_lambdas_passed_to_a_future()
    {
        Assert.Equal("20 90", Executor.BlockOn(UseStaticLambdas()));
    }

    [PollAsync]
    private static async Future<(int Received, bool SenderSawClose)> ConsumerClosesMidIteration()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(2);
        var producer = Executor.Spawn(SendForever(sender));
        int received = 0;
        await foreach (var item in receiver)
        {
            received++;
            if (item == 4) receiver.Close(); // buffered items still come, then the loop ends
        }
        return (received, await producer);
    }

    [PollAsync]
    private static async Future<bool> SendForever(ChannelSender<int> sender)
    {
        using (sender)
        {
            for (int i = 0; ; i++)
            {
                if (!await sender.Send(i)) return true;
            }
        }
    }

    [Fact]
    public void A_consumer_closing_the_channel_in_await_foreach_ends_the_loop_and_the_producer()
    {
        using var local = new LocalExecutor();
        var (received, senderSawClose) = local.BlockOn(ConsumerClosesMidIteration(), Limit);
        Assert.True(senderSawClose);
        Assert.InRange(received, 5, 5 + 2); // item 4, plus at most the two the buffer held
    }

    [PollAsync]
    private static async Future<int> FailAfter(int yields, string message)
    {
        for (int i = 0; i < yields; i++) await Future.Yield();
        throw new InvalidOperationException(message);
    }

    private static async Task<int> FailAfterTask(int yields, string message)
    {
        for (int i = 0; i < yields; i++) await Task.Yield();
        throw new InvalidOperationException(message);
    }

    [Fact]
    public async Task A_failing_Join_throws_the_first_failure_itself_not_an_AggregateException_as_await_WhenAll_does()
    {
        var joined = Assert.Throws<InvalidOperationException>(() => Executor.BlockOn(Future.Join(FailAfter(1, "first"), FailAfter(5, "second"))));
        var whenAll = await Assert.ThrowsAsync<InvalidOperationException>(() => Task.WhenAll(FailAfterTask(1, "first"), FailAfterTask(5, "second")));
        Assert.Equal(whenAll.Message, joined.Message);
    }

    [Fact]
    public async Task A_JoinAll_of_failing_futures_throws_the_first_one_that_fails()
    {
        var futures = new List<IFuture<int>> { FailAfter(3, "third"), FailAfter(1, "first"), FailAfter(2, "second") };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Future.JoinAll(futures).AsFuture().AsTask());
        Assert.Equal("first", error.Message);
    }
}
