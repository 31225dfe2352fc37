using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

public class ChannelTests
{
    [Fact]
    public void Unbounded_channel_delivers_in_order_and_try_receive_never_waits()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        for (int i = 0; i < 100; i++) Assert.True(sender.TrySend(i));
        Assert.Equal(100, receiver.Count);
        for (int i = 0; i < 100; i++)
        {
            Assert.True(receiver.TryReceive(out int item));
            Assert.Equal(i, item);
        }
        Assert.False(receiver.TryReceive(out _));
    }

    [Fact]
    public void A_pending_receive_is_woken_by_a_send()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<string>();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var receive = receiver.Receive();
        Assert.True(receive.Poll(ref cx).IsPending);
        Assert.True(sender.TrySend("x"));
        Assert.Equal(1, wakes.Wakes);
        Assert.Equal("x", receive.Poll(ref cx).Value.Value);
    }

    [Fact]
    public void Bounded_send_waits_for_room_and_waiting_senders_are_served_in_order()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(sender.TrySend(0));
        Assert.False(sender.TrySend(99));
        var first = sender.Send(1);
        var second = sender.Send(2);
        Assert.True(first.Poll(ref cx).IsPending);
        Assert.True(second.Poll(ref cx).IsPending);

        Assert.True(receiver.TryReceive(out int item));
        Assert.Equal(0, item);
        Assert.True(second.Poll(ref cx).IsPending);
        Assert.True(first.Poll(ref cx).Value);
        Assert.True(receiver.TryReceive(out item));
        Assert.True(second.Poll(ref cx).Value);
        Assert.True(receiver.TryReceive(out item));
        Assert.Equal(2, item);
    }

    [Fact]
    public void Close_fails_pending_and_later_sends_and_the_receiver_drains_before_seeing_Closed()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(sender.TrySend(1));
        var pending = sender.Send(2);
        Assert.True(pending.Poll(ref cx).IsPending);

        receiver.Close();
        Assert.True(sender.IsClosed);
        Assert.False(pending.Poll(ref cx).Value);
        Assert.False(sender.TrySend(3));

        var receive = receiver.Receive();
        Assert.Equal(1, receive.Poll(ref cx).Value.Value);
        var end = receiver.Receive();
        Assert.True(end.Poll(ref cx).Value.IsClosed);
    }

    [Fact]
    public void Close_wakes_a_pending_receive_with_Closed()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var receive = receiver.Receive();
        Assert.True(receive.Poll(ref cx).IsPending);
        sender.Close();
        Assert.Equal(1, wakes.Wakes);
        Assert.True(receive.Poll(ref cx).Value.IsClosed);
    }

    [Fact]
    public void Close_fails_more_waiting_senders_than_one_wake_batch()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(sender.TrySend(0));
        var sends = new SendFuture<int>[100];
        for (int i = 0; i < sends.Length; i++) sends[i] = sender.Send(i);
        for (int i = 0; i < sends.Length; i++) Assert.True(sends[i].Poll(ref cx).IsPending);

        sender.Close();
        Assert.Equal(sends.Length, wakes.Wakes);
        for (int i = 0; i < sends.Length; i++) Assert.False(sends[i].Poll(ref cx).Value);
        Assert.True(receiver.TryReceive(out _));
    }

    [Fact]
    public void Two_pending_receives_are_rejected_single_consumer()
    {
        var (_, receiver) = AsyncChannel.Unbounded<int>();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        var first = receiver.Receive();
        var second = receiver.Receive();
        Assert.True(first.Poll(ref cx).IsPending);
        try
        {
            second.Poll(ref cx);
            Assert.Fail("a second pending receive was accepted");
        }
        catch (InvalidOperationException)
        {
        }
        first.Dispose();
        Assert.True(second.Poll(ref cx).IsPending); // the slot is free again
    }

    [Fact]
    public void Disposing_a_send_that_was_given_room_passes_the_room_on()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(sender.TrySend(0));
        var dropped = sender.Send(1);
        var next = sender.Send(2);
        Assert.True(dropped.Poll(ref cx).IsPending);
        Assert.True(next.Poll(ref cx).IsPending);

        Assert.True(receiver.TryReceive(out _)); // room reserved for `dropped`
        dropped.Dispose();
        Assert.True(next.Poll(ref cx).Value);
        Assert.True(receiver.TryReceive(out int item));
        Assert.Equal(2, item);
        Assert.False(receiver.TryReceive(out _));
    }

    private const long Stride = 1_000_000;

    private static async Future Produce(ChannelSender<long> sender, int producer, int count)
    {
        for (int i = 0; i < count; i++)
            if (!await sender.Send(producer * Stride + i)) throw new InvalidOperationException("closed early");
    }

    /// <summary>
    /// Receives until Closed, checking each producer's items arrive exactly once and in order. With a
    /// <paramref name="canceller"/>, each receive races a random number of yields and is disposed when it loses.
    /// </summary>
    private static async Future<long[]> Consume(ChannelReceiver<long> receiver, int producers, Random? canceller = null)
    {
        var next = new long[producers];
        while (true)
        {
            ReceiveResult<long> result;
            if (canceller is null)
            {
                result = await receiver.Receive();
            }
            else
            {
                var race = await Future.Select(receiver.Receive(), SyncTestSupport.YieldTimes(canceller.Next(3)));
                if (!race.TryGetFirst(out result)) continue; // a disposed receive must not have taken an item
            }
            if (!result.TryGetValue(out long item)) return next;
            int producer = (int)(item / Stride);
            Assert.Equal(next[producer], item % Stride); // exactly once, in per-producer order
            next[producer]++;
        }
    }

    [Fact]
    public async Task Four_producer_threads_deliver_100_000_items_each_exactly_once_in_per_producer_order()
    {
        const int producers = 4, items = 100_000;
        var (sender, receiver) = AsyncChannel.Bounded<long>(256);
        var consumer = Task.Factory.StartNew(() => Executor.BlockOn(Consume(receiver, producers), SyncTestSupport.StallLimit),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        SyncTestSupport.RunOnThreads(producers, producer => Produce(sender, producer, items));
        sender.Close();
        Assert.All(await consumer, count => Assert.Equal(items, count));
    }

    private static async Future ProduceWithCancellation(ChannelSender<long> sender, int producer, int count)
    {
        var random = new Random(producer);
        for (int i = 0; i < count;)
        {
            // A send that loses the race is disposed: its item is not delivered, so the same item is retried.
            var race = await Future.Select(sender.Send(producer * Stride + i), SyncTestSupport.YieldTimes(random.Next(3)));
            if (race.IsFirst)
            {
                Assert.True(race.First);
                i++;
            }
        }
    }

    [Fact]
    public async Task Random_disposal_of_pending_sends_and_receives_never_loses_or_duplicates_an_item()
    {
        const int producers = 3, items = 2_000;
        var (sender, receiver) = AsyncChannel.Bounded<long>(4);
        var consumer = Task.Factory.StartNew(() => Executor.BlockOn(Consume(receiver, producers, new Random(99)), SyncTestSupport.StallLimit),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        SyncTestSupport.RunOnThreads(producers, producer => ProduceWithCancellation(sender, producer, items));
        sender.Close();
        Assert.All(await consumer, count => Assert.Equal(items, count));
    }

    [Fact]
    public void Steady_state_bounded_send_and_receive_allocate_nothing()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(2);
        var wakes = new CountingWakeTarget();
        SyncTestSupport.AssertSteadyStateAllocatesNothing(RoundTrips);

        void RoundTrips(int count)
        {
            var cx = new Context(wakes.Waker);
            for (int i = 0; i < count; i++)
            {
                var a = sender.Send(i);
                var b = sender.Send(i);
                var waiting = sender.Send(i);
                Assert.True(a.Poll(ref cx).Value && b.Poll(ref cx).Value);
                Assert.True(waiting.Poll(ref cx).IsPending);   // full: queued for room

                for (int j = 0; j < 2; j++)
                {
                    var receive = receiver.Receive();
                    Assert.True(receive.Poll(ref cx).Value.HasValue);
                }
                Assert.True(waiting.Poll(ref cx).Value);

                var last = receiver.Receive();
                Assert.True(last.Poll(ref cx).Value.HasValue);
                var empty = receiver.Receive();
                Assert.True(empty.Poll(ref cx).IsPending);      // registers the receiver's waker
                empty.Dispose();
            }
        }
    }
}
