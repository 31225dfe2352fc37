using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

public class ChannelHandleAndEnumerationTests
{
    [Fact]
    public void Disposing_the_last_sender_handle_closes_the_channel_after_its_items()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        var clone = sender.Clone();
        Assert.True(sender.TrySend(1));
        sender.Dispose();
        sender.Dispose(); // idempotent per handle: the clone still keeps the channel open
        Assert.False(clone.IsClosed);
        Assert.True(clone.TrySend(2));
        clone.Dispose();
        Assert.True(clone.IsClosed);

        var cx = new Context(Waker.Noop);
        Assert.Equal(1, receiver.Receive().Poll(ref cx).Value.Value);
        Assert.Equal(2, receiver.Receive().Poll(ref cx).Value.Value);
        Assert.True(receiver.Receive().Poll(ref cx).Value.IsClosed);
    }

    [Fact]
    public void A_disposed_sender_handle_refuses_to_send_and_to_clone()
    {
        var (sender, _) = AsyncChannel.Unbounded<int>();
        sender.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sender.TrySend(1));
        Assert.Throws<ObjectDisposedException>(() => sender.Send(1));
        Assert.Throws<ObjectDisposedException>(() => sender.Clone());
    }

    [Fact]
    public void Disposing_the_last_sender_wakes_a_pending_receive_with_Closed()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(4);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var receive = receiver.Receive();
        Assert.True(receive.Poll(ref cx).IsPending);
        sender.Dispose();
        Assert.Equal(1, wakes.Wakes);
        Assert.True(receive.Poll(ref cx).Value.IsClosed);
    }

    private static async Future<int> SumAll(ChannelReceiver<int> receiver)
    {
        int sum = 0;
        await foreach (var item in receiver) sum += item;
        return sum;
    }

    private static async Future Produce(ChannelSender<int> sender, int from, int count)
    {
        using (sender)
        {
            for (int i = from; i < from + count; i++) await sender.Send(i);
        }
    }

    [Fact]
    public void Await_foreach_over_a_receiver_ends_when_every_sender_handle_is_disposed()
    {
        using var executor = new LocalExecutor();
        var (sender, receiver) = AsyncChannel.Bounded<int>(2);
        _ = executor.Spawn(Produce(sender.Clone(), 1, 50));
        _ = executor.Spawn(Produce(sender, 51, 50));
        Assert.Equal(100 * 101 / 2, executor.BlockOn(SumAll(receiver), SyncTestSupport.StallLimit));
    }

    private static async Future<List<int>> TakeThenBreak(ChannelReceiver<int> receiver, int take)
    {
        var taken = new List<int>();
        await foreach (var item in receiver)
        {
            taken.Add(item);
            if (taken.Count == take) break;
        }
        return taken;
    }

    [Fact]
    public void Breaking_out_of_await_foreach_loses_no_item_and_the_next_loop_reuses_the_enumerator()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        for (int i = 0; i < 5; i++) sender.TrySend(i);
        sender.Dispose();
        Assert.Equal([0, 1], Executor.BlockOn(TakeThenBreak(receiver, 2), SyncTestSupport.StallLimit));
        var first = receiver.GetAsyncEnumerator();
        first.DisposeAsync();
        var second = receiver.GetAsyncEnumerator();
        Assert.Same(first, second);
        second.DisposeAsync();
        Assert.Equal([2, 3, 4], Executor.BlockOn(TakeThenBreak(receiver, 10), SyncTestSupport.StallLimit));
    }

    [Fact]
    public async Task ReadAllAsync_delivers_every_item_to_Task_code_on_thread_pool_threads_not_the_executor_thread()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);
        int producerThread = 0;
        var producer = Task.Factory.StartNew(() =>
        {
            producerThread = Environment.CurrentManagedThreadId;
            Executor.BlockOn(Produce(sender, 1, 200), SyncTestSupport.StallLimit);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var received = new List<int>();
        var threads = new HashSet<int>();
        await foreach (var item in receiver.ReadAllAsync())
        {
            received.Add(item);
            threads.Add(Environment.CurrentManagedThreadId);
        }
        await producer;
        Assert.Equal(Enumerable.Range(1, 200), received);
        Assert.DoesNotContain(producerThread, threads);
    }

    [Fact]
    public async Task Cancelling_ReadAllAsync_ends_a_pending_wait_and_loses_no_item()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        using var source = new CancellationTokenSource();
        await using var items = receiver.ReadAllAsync(source.Token).GetAsyncEnumerator();
        var wait = items.MoveNextAsync();
        Assert.False(wait.IsCompleted);
        source.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);

        Assert.True(sender.TrySend(9));
        Assert.True(receiver.TryReceive(out int item));
        Assert.Equal(9, item);
    }

    [Fact]
    public async Task Four_producer_tasks_on_the_work_stealing_executor_each_own_a_handle_and_the_reader_sees_every_item_then_the_end()
    {
        const int producers = 4, items = 20_000;
        using var executor = new WorkStealingExecutor(2);
        var (sender, receiver) = AsyncChannel.Bounded<int>(64);
        for (int p = 0; p < producers; p++) _ = executor.Spawn(Produce(sender.Clone(), p * items, items));
        sender.Dispose();

        var seen = new bool[producers * items];
        await foreach (var item in receiver.ReadAllAsync())
        {
            Assert.False(seen[item]);
            seen[item] = true;
        }
        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void A_default_receiver_says_it_is_not_the_receiver_of_a_channel_instead_of_a_NullReferenceException()
    {
        var receiver = default(ChannelReceiver<int>);
        foreach (var use in new Action[]
                 {
                     () => receiver.Receive(), () => receiver.TryReceive(out _), () => _ = receiver.Count,
                     () => receiver.Close(), () => receiver.GetAsyncEnumerator(),
                 })
        {
            var error = Assert.Throws<InvalidOperationException>(use);
            Assert.Contains("default value", error.Message, StringComparison.Ordinal);
            Assert.Contains("AsyncChannel.Bounded or AsyncChannel.Unbounded", error.Message, StringComparison.Ordinal);
        }
        receiver.Dispose(); // holds nothing to drop: still a no-op
    }
}
