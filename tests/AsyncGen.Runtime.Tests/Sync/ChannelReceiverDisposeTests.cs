using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

/// <summary>Disposing a <see cref="ChannelReceiver{T}"/> drops the receiver, as dropping tokio's <c>Receiver</c>.</summary>
public class ChannelReceiverDisposeTests
{
    [Fact]
    public void Disposing_the_receiver_wakes_producers_waiting_for_room_and_their_sends_complete_with_false()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);
        Assert.True(sender.TrySend(0));
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var first = sender.Send(1);
        var second = sender.Send(2);
        Assert.True(first.Poll(ref cx).IsPending);
        Assert.True(second.Poll(ref cx).IsPending);

        receiver.Dispose();

        Assert.Equal(2, wakes.Wakes);
        Assert.False(first.Poll(ref cx).Value);
        Assert.False(second.Poll(ref cx).Value);
        Assert.True(sender.IsClosed);
    }

    [Fact]
    public void After_the_receiver_is_disposed_sends_fail_buffered_items_are_dropped_and_receiving_throws()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<string>();
        Assert.True(sender.TrySend("a"));
        Assert.True(sender.TrySend("b"));
        var copy = receiver;

        copy.Dispose();
        receiver.Dispose(); // idempotent, and any copy is the same receiver

        Assert.Equal(0, receiver.Count);
        Assert.False(sender.TrySend("c"));
        var cx = new Context(Waker.Noop);
        var send = sender.Send("d");
        Assert.False(send.Poll(ref cx).Value);
        var error = Assert.Throws<ObjectDisposedException>(() => receiver.TryReceive(out _));
        Assert.Contains("receiver was disposed", error.Message);
        Assert.Throws<ObjectDisposedException>(() => receiver.Receive());
        Assert.Throws<ObjectDisposedException>(() => receiver.GetAsyncEnumerator());
        Assert.Throws<ObjectDisposedException>(() => receiver.ReadAllAsync());
    }

    [Fact]
    public void A_receive_pending_when_the_receiver_is_disposed_completes_with_Closed()
    {
        var (_, receiver) = AsyncChannel.Bounded<int>(2);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var receive = receiver.Receive();
        Assert.True(receive.Poll(ref cx).IsPending);

        receiver.Dispose();

        Assert.Equal(1, wakes.Wakes);
        Assert.True(receive.Poll(ref cx).Value.IsClosed);
    }

    [Fact]
    public void Disposing_a_default_receiver_does_nothing() => default(ChannelReceiver<int>).Dispose();

    private static async Future<int> ConsumeOneThenWaitForever(ChannelReceiver<int> channel, OneshotReceiver<Unit> never, ManualResetEventSlim received)
    {
        using var receiver = channel;
        var first = await receiver.Receive();
        received.Set();
        await never; // the consumer is stuck elsewhere, and is aborted there
        return first.Value;
    }

    private static async Future<int> ProduceUntilClosed(ChannelSender<int> sender)
    {
        int sent = 0;
        while (await sender.Send(sent)) sent++;
        return sent;
    }

    [Fact]
    public void Aborting_a_consumer_that_holds_its_receiver_in_a_using_wakes_blocked_producers_on_the_work_stealing_executor()
    {
        using var executor = new WorkStealingExecutor(2);
        var (sender, receiver) = AsyncChannel.Bounded<int>(2);
        var (neverSender, never) = Oneshot.Create<Unit>();
        var producers = new[]
        {
            executor.Spawn(ProduceUntilClosed(sender.Clone())),
            executor.Spawn(ProduceUntilClosed(sender.Clone())),
        };
        sender.Dispose();
        using var received = new ManualResetEventSlim();
        var consumer = executor.Spawn(ConsumeOneThenWaitForever(receiver, never, received));
        // The consumer is inside its using (a task aborted before its first poll never entered it: nothing to
        // dispose), and both producers wait for room in the full channel (one item taken, two buffered); then abort.
        Assert.True(received.Wait(SyncTestSupport.StallLimit));
        Assert.True(SpinWait.SpinUntil(() => receiver.Count == 2 && !producers[0].IsCompleted && !producers[1].IsCompleted, SyncTestSupport.StallLimit));
        consumer.Abort();

        int sent = 0;
        foreach (var producer in producers) sent += executor.BlockOn(producer, SyncTestSupport.StallLimit);
        Assert.InRange(sent, 3, 4); // the item received, the two buffered, and at most one racing the close
        Assert.Throws<OperationCanceledException>(() => executor.BlockOn(consumer, SyncTestSupport.StallLimit));
        neverSender.Dispose();
    }

    [Fact]
    public async Task Producer_threads_racing_the_receivers_dispose_all_stop_with_a_closed_send()
    {
        for (int round = 0; round < 50; round++)
        {
            var (sender, receiver) = AsyncChannel.Bounded<int>(1);
            var handles = Enumerable.Range(0, 3).Select(_ => sender.Clone()).ToArray();
            sender.Dispose();
            var disposer = Task.Run(() =>
            {
                for (int taken = 0; taken < round % 7; taken++)
                    if (!receiver.TryReceive(out _)) Thread.Yield();
                receiver.Dispose();
            });
            SyncTestSupport.RunOnThreads(3, i => ProduceUntilClosed(handles[i]));
            await disposer;
            Assert.True(handles[0].IsClosed);
        }
    }
}
