using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The lock-free path of a bounded channel (<c>ChannelCore</c>): senders take a permit of the capacity semaphore,
/// claim a ring slot, publish the item and wake the receiver's <see cref="AtomicWaker"/>; the receiver takes items,
/// returns permits, arms its waker and looks again. Written out one interlocked operation per step (the order of
/// <c>SendFuture.Poll</c> → <c>ChannelCore.Deliver</c> and <c>ChannelCore.PollReceive</c>), so that every other
/// thread can act between any two of them, over the real <see cref="BatchSemaphore"/>, <see cref="MpscRing{T}"/>
/// and <see cref="AtomicWaker"/>. Whatever the interleaving: every item whose send succeeded is received exactly
/// once, in each sender's order; the receiver sees Closed only after all of them; nobody waits for ever.
/// </summary>
/// <remarks>
/// The last tests break the protocol on purpose (no look after arming, a wake before the publish, the "drained" test
/// read from two loads) and check that the exploration reports it: the model is able to fail.
/// </remarks>
public class ChannelFastPathTests
{
    /// <summary>The parts of one bounded channel (ChannelCore's fields).</summary>
    private sealed class Channel(int capacity)
    {
        public readonly int Capacity = capacity;
        public readonly BatchSemaphore Room = new(capacity);
        public readonly MpscRing<int> Ring = new(capacity);
        public AtomicWaker Receiver;
        public readonly List<int> Sent = [];
        public readonly List<int> Received = [];
        public bool SawClosed;
    }

    [Flags]
    private enum Mutation
    {
        None = 0,
        NoLookAfterArming = 1,
        WakeBeforePublish = 2,
        DrainedFromTwoLoads = 4,
    }

    /// <summary>One send: wait for room (possibly giving up), claim, publish, wake.</summary>
    private static IEnumerable<Func<bool>?> Send(Channel channel, int item, Func<bool>? giveUp, Mutation mutation)
    {
        var waker = new FlagWaker();
        WaiterToken token = default;
        while (true)
        {
            waker.Woken = false;
            var room = channel.Room.PollAcquire(ref token, 1, waker.Waker);
            if (room.IsReady)
            {
                if (!room.Value) yield break; // closed: refused
                break;
            }
            if (giveUp?.Invoke() == true)
            {
                channel.Room.CancelAcquire(ref token, 1); // SendFuture.Dispose: room granted meanwhile goes back…
                yield return null;
                if (channel.Room.IsClosed) channel.Receiver.Wake(); // …and after a close, ChannelCore.RoomReturned
                yield break;
            }
            yield return () => waker.Woken;
        }
        channel.Sent.Add(item); // the send has succeeded: it holds room, so the item must arrive
        yield return null;
        if (mutation.HasFlag(Mutation.WakeBeforePublish))
        {
            channel.Receiver.Wake();
            yield return null;
        }
        uint position = channel.Ring.Claim();
        yield return null;
        channel.Ring.Publish(position, item);
        yield return null;
        if (!mutation.HasFlag(Mutation.WakeBeforePublish)) channel.Receiver.Wake();
    }

    private static IEnumerable<Func<bool>?> Sender(Channel channel, int first, int count, Func<bool>? giveUp, Mutation mutation = Mutation.None)
    {
        for (int item = first; item < first + count; item++)
            foreach (var step in Send(channel, item, giveUp, mutation)) yield return step;
    }

    /// <summary>Receives until Closed, or until <paramref name="until"/> items arrived; a new waker per receive or not (a chosen).</summary>
    private static IEnumerable<Func<bool>?> Receiver(Channel channel, Interleavings threads, int until = int.MaxValue, Mutation mutation = Mutation.None)
    {
        var waker = new FlagWaker();
        while (channel.Received.Count < until)
        {
            if (threads.Choose()) waker = new FlagWaker(); // the receive moved to another task: AtomicWaker's Writing path
            bool armed = false;
            while (true)
            {
                waker.Woken = false;
                // The first look, then (after arming) the second one: PollReceive's TryTake, IsDrained, Register, again.
                int? taken = null;
                bool drained = false;
                for (int look = 0; look < 2 && taken is null && !drained; look++)
                {
                    if (look == 1)
                    {
                        if (mutation.HasFlag(Mutation.NoLookAfterArming)) break;
                        yield return null;
                    }
                    if (channel.Ring.TryDequeue(out int item))
                    {
                        taken = item;
                        yield return null;
                        channel.Room.Release(1);
                        break;
                    }
                    yield return null;
                    if (mutation.HasFlag(Mutation.DrainedFromTwoLoads))
                    {
                        bool idle = channel.Room.AvailablePermits == channel.Capacity;
                        yield return null;
                        drained = idle && channel.Room.IsClosed;
                    }
                    else
                    {
                        drained = channel.Room.IsClosedWithFree(channel.Capacity);
                    }
                    if (look == 0 && taken is null && !drained)
                    {
                        yield return null;
                        channel.Receiver.Register(waker.Waker);
                        armed = true;
                    }
                }
                if (armed && (taken is not null || drained)) channel.Receiver.Disarm();
                if (taken is int received)
                {
                    channel.Received.Add(received);
                    break;
                }
                if (drained)
                {
                    channel.SawClosed = true;
                    yield break;
                }
                yield return () => waker.Woken;
            }
        }
    }

    /// <summary>ChannelCore.Close: the closed flag (not modelled: nothing here reads it), Room.Close, then the wake.</summary>
    private static IEnumerable<Func<bool>?> Closer(Channel channel)
    {
        yield return null;
        channel.Room.Close();
        yield return null;
        channel.Receiver.Wake();
    }

    private static void AssertDelivered(Interleavings threads, Channel channel, params int[] firsts)
    {
        var received = channel.Received;
        threads.Assert(received.Count == received.Distinct().Count(), $"an item arrived twice: [{string.Join(",", received)}]");
        threads.Assert(received.Order().SequenceEqual(channel.Sent.Order()),
            $"sent [{string.Join(",", channel.Sent)}], received [{string.Join(",", received)}]");
        foreach (int first in firsts)
        {
            var mine = received.Where(item => item >= first && item < first + 100).ToList();
            threads.Assert(mine.SequenceEqual(mine.Order()), $"sender {first}'s items out of order: [{string.Join(",", mine)}]");
        }
    }

    private static Microsoft.Coyote.SystematicTesting.TestReport TwoSendersOneReceiver(int iterations, Mutation mutation) =>
        Interleavings.Explore(iterations, threads =>
        {
            var channel = new Channel(capacity: 1);
            threads.Start("sender 0", Sender(channel, first: 0, count: 2, giveUp: null, mutation));
            threads.Start("sender 100", Sender(channel, first: 100, count: 2, giveUp: null, mutation));
            threads.Start("receiver", Receiver(channel, threads, until: 4, mutation));
            threads.Run();
            AssertDelivered(threads, channel, 0, 100);
        });

    private static Microsoft.Coyote.SystematicTesting.TestReport SendersRacingAClose(int iterations, Mutation mutation) =>
        Interleavings.Explore(iterations, threads =>
        {
            var channel = new Channel(capacity: 1);
            threads.Start("sender 0", Sender(channel, first: 0, count: 2, giveUp: () => threads.Choose() && threads.Choose(), mutation));
            threads.Start("sender 100", Sender(channel, first: 100, count: 2, giveUp: () => threads.Choose() && threads.Choose(), mutation));
            threads.Start("receiver", Receiver(channel, threads, mutation: mutation));
            threads.Start("closer", Closer(channel));
            threads.Run();
            threads.Assert(channel.SawClosed, "the receiver never saw Closed");
            AssertDelivered(threads, channel, 0, 100);
            threads.Assert(channel.Room.AvailablePermits == channel.Capacity, $"{channel.Room.AvailablePermits} permits at the end, not {channel.Capacity}");
        });

    [Fact]
    public void Two_senders_and_the_receiver_deliver_every_item_once_in_order_through_a_channel_of_one()
    {
        Schedules.AssertNoBug(TwoSendersOneReceiver(Schedules.PerTest, Mutation.None));
    }

    [Fact]
    public void A_close_racing_with_senders_that_give_up_ends_the_receive_only_after_every_sent_item()
    {
        Schedules.AssertNoBug(SendersRacingAClose(Schedules.PerTest, Mutation.None));
    }

    [Fact]
    public void The_model_reports_a_receiver_that_does_not_look_again_after_arming()
    {
        var report = TwoSendersOneReceiver(Schedules.PerTest, Mutation.NoLookAfterArming);
        Assert.True(report.NumOfFoundBugs > 0, "the lost wake-up went unnoticed");
        Assert.Contains("lost wake-up", string.Join("\n", report.BugReports));
    }

    [Fact]
    public void The_model_reports_a_sender_that_wakes_before_it_publishes()
    {
        var report = TwoSendersOneReceiver(Schedules.PerTest, Mutation.WakeBeforePublish);
        Assert.True(report.NumOfFoundBugs > 0, "the lost wake-up went unnoticed");
    }

    [Fact]
    public void The_model_reports_a_drained_test_read_from_two_loads()
    {
        var report = SendersRacingAClose(Schedules.PerTest, Mutation.DrainedFromTwoLoads);
        Assert.True(report.NumOfFoundBugs > 0, "an item sent before the close and lost went unnoticed");
        Assert.Contains("received", string.Join("\n", report.BugReports));
    }
}
