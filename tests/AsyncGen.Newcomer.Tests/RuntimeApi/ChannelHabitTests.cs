using AsyncGen.Sync;

namespace AsyncGen.Newcomer.Tests.RuntimeApi;

/// <summary>
/// Channels and oneshots used the way System.Threading.Channels and TaskCompletionSource are: producers on plain
/// threads, draining after completion, an <c>IAsyncEnumerable</c> read from Task code, a cancelled read, a
/// request/reply with a oneshot. Each test states first what the .NET equivalent does.
/// </summary>
public partial class ChannelHabitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<(int Count, long Sum)> Drain(ChannelReceiver<int> receiver)
    {
        int count = 0;
        long sum = 0;
        await foreach (var item in receiver)
        {
            count++;
            sum += item;
        }
        return (count, sum);
    }

    /// <summary>
    /// .NET: four <c>Task.Run</c> producers <c>TryWrite</c> into an unbounded channel, the reader's
    /// <c>ReadAllAsync</c> ends once the writer completes. Here each producer thread owns a clone of the sender and
    /// disposes it; the last disposal closes the channel.
    /// </summary>
    [Fact]
    public async Task Producers_on_plain_threads_feed_an_unbounded_channel_read_by_a_future()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        var clones = Enumerable.Range(0, 4).Select(_ => sender.Clone()).ToList();
        sender.Dispose();
        var producers = clones.Select((clone, p) => Task.Run(() =>
        {
            using (clone)
            {
                for (int i = 0; i < 1000; i++) Assert.True(clone.TrySend(p * 1000 + i));
            }
        })).ToArray();
        var (count, sum) = Executor.BlockOn(Drain(receiver), Limit);
        await Task.WhenAll(producers).WaitAsync(Limit);
        Assert.Equal(4000, count);
        Assert.Equal(Enumerable.Range(0, 4000).Sum(x => (long)x), sum);
    }

    [PollAsync]
    private static async Future<(List<int> Items, bool SendAfterClose)> CloseThenDrain()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(10);
        for (int i = 0; i < 5; i++) await sender.Send(i);
        sender.Close();
        bool sendAfterClose = await sender.Send(99);
        List<int> items = [];
        while (true)
        {
            var result = await receiver.Receive();
            if (result.IsClosed) break;
            items.Add(result.Value);
        }
        return (items, sendAfterClose);
    }

    /// <summary>
    /// .NET: after <c>writer.Complete()</c>, <c>WriteAsync</c> throws ChannelClosedException (<c>TryWrite</c>
    /// false) and the reader still gets every buffered item before the end. Here <c>Send</c> completes with false.
    /// </summary>
    [Fact]
    public void A_closed_channel_still_hands_out_its_buffered_items_and_refuses_new_ones()
    {
        var (items, sendAfterClose) = Executor.BlockOn(CloseThenDrain(), Limit);
        Assert.Equal([0, 1, 2, 3, 4], items);
        Assert.False(sendAfterClose);
    }

    [PollAsync]
    private static async Future Produce(ChannelSender<string> sender, int count)
    {
        using (sender)
        {
            for (int i = 0; i < count; i++) await sender.Send($"line {i}");
        }
    }

    /// <summary>
    /// .NET: <c>await foreach (var x in reader.ReadAllAsync())</c> in an <c>async Task</c> method. Here the
    /// producer is a future on a WorkStealingExecutor and the consumer is ordinary Task code.
    /// </summary>
    [Fact]
    public async Task ReadAllAsync_is_consumed_from_async_Task_code()
    {
        using var pool = new WorkStealingExecutor(2);
        var (sender, receiver) = AsyncChannel.Bounded<string>(4);
        var producer = pool.SpawnAsTask(Produce(sender, 50));
        var lines = new List<string>();
        await foreach (var line in receiver.ReadAllAsync())
        {
            lines.Add(line);
        }
        await producer.WaitAsync(Limit);
        Assert.Equal(50, lines.Count);
        Assert.Equal("line 49", lines[^1]);
    }

    /// <summary>
    /// .NET: <c>ReadAllAsync(token)</c> with the token cancelled while waiting throws OperationCanceledException
    /// from the <c>await foreach</c>.
    /// </summary>
    [Fact]
    public async Task ReadAllAsync_with_a_cancelled_token_throws_OperationCanceledException()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        using var cts = new CancellationTokenSource();
        sender.TrySend(1);
        var seen = new List<int>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in receiver.ReadAllAsync(cts.Token))
            {
                seen.Add(item);
                cts.CancelAfter(10);
            }
        }).WaitAsync(Limit);
        Assert.Equal([1], seen);
        GC.KeepAlive(sender);
    }

    [PollAsync]
    private static async Future Worker(int input, OneshotSender<int> reply)
    {
        using (reply)
        {
            await Time.Sleep(TimeSpan.FromMilliseconds(1));
            if (input >= 0) reply.Send(input * 2);
        }
    }

    [PollAsync]
    private static async Future<string> RequestReply()
    {
        var (tx1, rx1) = Oneshot.Create<int>();
        _ = Executor.Spawn(Worker(21, tx1)); // fire and forget: as `_ = Task.Run(...)`, the discard says so (CS4014 otherwise)
        var answer = await rx1;
        var (tx2, rx2) = Oneshot.Create<int>();
        _ = Executor.Spawn(Worker(-1, tx2));
        var none = await rx2;
        return $"{answer.Value} {none.IsClosed}";
    }

    /// <summary>
    /// .NET: a TaskCompletionSource completed by the worker; when the worker forgets, the awaiter hangs forever. Here
    /// a dropped sender completes the receiver as closed instead.
    /// </summary>
    [Fact]
    public void Oneshot_request_reply_and_a_dropped_sender_on_both_executors()
    {
        Assert.Equal("42 True", Executor.BlockOn(RequestReply(), Limit));
        using var pool = new WorkStealingExecutor(2);
        Assert.Equal("42 True", pool.BlockOn(RequestReply(), Limit));
    }

    [PollAsync]
    private static async Future<string> ReceiveWithTimeoutThenAgain(ChannelReceiver<int> receiver, ChannelSender<int> sender)
    {
        string first;
        try
        {
            var r = await Time.Timeout(receiver.Receive(), TimeSpan.FromMilliseconds(5));
            first = $"got {r}";
        }
        catch (TimeoutException)
        {
            first = "timeout";
        }
        sender.TrySend(7);
        var second = await Time.Timeout(receiver.Receive(), TimeSpan.FromSeconds(10));
        return $"{first} {second.Value}";
    }

    /// <summary>
    /// .NET: <c>reader.ReadAsync(token)</c> with a timeout token throws OperationCanceledException and loses no
    /// item; the next read works. Here <c>Time.Timeout</c> throws TimeoutException and the channel stays usable.
    /// </summary>
    [Fact]
    public void A_receive_that_timed_out_leaves_the_channel_usable()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        Assert.Equal("timeout 7", Executor.BlockOn(ReceiveWithTimeoutThenAgain(receiver, sender), Limit));
    }

    [PollAsync]
    private static async Future<Either<ReceiveResult<int>, Unit>> ReceiveOrGiveUp(ChannelReceiver<int> receiver, TimeSpan wait) =>
        await Future.Select(receiver.Receive(), Time.Sleep(wait));

    /// <summary>
    /// .NET: <c>await Task.WhenAny(readTask, Task.Delay(..))</c>, then check which one finished. Here Select returns
    /// an Either and disposes the loser.
    /// </summary>
    [Fact]
    public void Select_between_a_receive_and_a_sleep_reports_which_won()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        var gaveUp = Executor.BlockOn(ReceiveOrGiveUp(receiver, TimeSpan.FromMilliseconds(2)), Limit);
        Assert.True(gaveUp.IsSecond);
        sender.TrySend(5);
        var got = Executor.BlockOn(ReceiveOrGiveUp(receiver, TimeSpan.FromSeconds(10)), Limit);
        Assert.Equal(5, got.First.Value);
    }
}
