using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The consumer gate of a channel (<see cref="ConsumerGate"/>, <c>ChannelCore.PollReceive</c> and
/// <c>DisposeReceiver</c>): a receive polled on one thread while the receiver is disposed on another, both taking items
/// from the real <see cref="MpscRing{T}"/> and returning permits to the real <see cref="BatchSemaphore"/>. Whatever
/// the interleaving: the receive and the drain never take items at the same time, every item sent is received once,
/// dropped once or still buffered (never two of these), and the permits add up.
/// </summary>
/// <remarks>
/// <para>The gate is asymmetric: the receive announces itself with a plain store and then loads the closed flag, with
/// no fence between, so on x64 its load may complete while its store still sits in the store buffer, invisible to
/// the disposer. The model makes that reordering explicit: the receive's store stays pending for a step after its
/// load, during which the disposer may act, and becomes visible at the receive's next step or when the disposer's
/// process-wide barrier (<see cref="Interlocked.MemoryBarrierProcessWide"/>) drains every store buffer, whichever
/// comes first. The interleavings of sequentially consistent steps are Coyote's; the store buffer is this model's.</para>
/// <para>The second test removes the barrier's effect and checks that the exploration finds a drain running beside a
/// receive that took an item: the model is able to fail. The last two run two receives at once (misuse): whatever the
/// interleaving of their checks, announcements, takes and exits, two receives that take at the same time do not both
/// get away with it (one throws on entering or on leaving); without the check on leaving the model finds an overlap
/// that nobody reports.</para>
/// </remarks>
public class ConsumerGateTests
{
    private const int Capacity = 2;
    private const int Receive = 1; // the identity the modelled receive announces (ConsumerGate.Enter: its thread's CurrentReceive)

    /// <summary>One bounded channel's consuming side (ChannelCore's fields) and what the model records.</summary>
    private sealed class Channel
    {
        public readonly BatchSemaphore Room = new(Capacity);
        public readonly MpscRing<int> Ring = new(Capacity);
        public ConsumerGate Gate;
        public readonly List<int> Sent = [];
        public readonly List<int> Received = [];
        public readonly List<int> Dropped = [];
        public bool AnnouncePending;  // the receive's store of "inside", still in its store buffer
        public bool ReceiveTaking;    // the receive entered an open gate and has not left
        public bool Draining;         // the disposer passed its wait and takes items
        public bool SawClosed;
    }

    /// <summary>Sends one more item without waiting (TryAcquire, claim, publish); a step each.</summary>
    private static IEnumerable<Func<bool>?> Sender(Channel channel, int item)
    {
        if (!channel.Room.TryAcquire(1)) yield break; // closed (the dispose closed the channel)
        channel.Sent.Add(item);
        yield return null;
        uint position = channel.Ring.Claim();
        yield return null;
        channel.Ring.Publish(position, item);
    }

    /// <summary>Polls receives until Closed, each inside the gate; waits when it found nothing.</summary>
    private static IEnumerable<Func<bool>?> Receiver(Interleavings threads, Channel channel)
    {
        while (true)
        {
            // ConsumerGate.Enter, with x64's reordering: the load of the closed flag passes the announcing store.
            bool closed = channel.Gate.SawClosed();
            channel.AnnouncePending = true;
            yield return null;
            FlushAnnounce(channel); // by the receive's next store at the latest (stores leave the buffer in order)
            if (closed)
            {
                channel.Gate.Exit(Receive);
                channel.SawClosed = true;
                yield break;
            }
            channel.ReceiveTaking = true;
            threads.Assert(!channel.Draining, "the drain takes items while a receive that entered an open gate takes them too");
            bool took = channel.Ring.TryDequeue(out int item);
            yield return null;
            if (took)
            {
                channel.Room.Release(1);
                channel.Received.Add(item);
                yield return null;
            }
            bool drained = !took && channel.Room.IsClosedWithFree(Capacity);
            channel.ReceiveTaking = false;
            channel.Gate.Exit(Receive);
            if (drained)
            {
                channel.SawClosed = true;
                yield break;
            }
            if (took) yield return null;
            else yield return () => channel.Ring.Count > 0 || channel.Gate.IsClosed || channel.Room.IsClosed; // parked until woken
        }
    }

    /// <summary>ChannelCore.DisposeReceiver: a step between the gate's close and its barrier, and after the barrier.</summary>
    private static IEnumerable<Func<bool>?> Disposer(Interleavings threads, Channel channel, bool barrierDrainsStoreBuffers)
    {
        if (!channel.Gate.Close()) yield break;
        channel.Room.Close(); // ChannelCore.Close (its wake is the receiver's parking condition)
        if (channel.Ring.Count == 0) yield break; // nothing to drain: no take, no wait
        yield return null;
        // WaitUntilNoReceiveInside: the barrier, then the wait.
        if (barrierDrainsStoreBuffers) FlushAnnounce(channel);
        yield return () => !channel.Gate.ReceiveInside;
        channel.Draining = true;
        while (true)
        {
            threads.Assert(!channel.ReceiveTaking, "the drain takes items while a receive that entered an open gate takes them too");
            if (!channel.Ring.TryDequeue(out int item)) yield break;
            channel.Dropped.Add(item);
            yield return null;
            channel.Room.Release(1);
            yield return null;
        }
    }

    private static void FlushAnnounce(Channel channel)
    {
        if (!channel.AnnouncePending) return;
        channel.AnnouncePending = false;
        channel.Gate.Announce(Receive);
    }

    private static Microsoft.Coyote.SystematicTesting.TestReport DisposeRacingAReceive(int iterations, bool barrierDrainsStoreBuffers) =>
        Interleavings.Explore(iterations, threads =>
        {
            var channel = new Channel();
            // One item buffered before the race (so the dispose usually has something to drain), one sent during it.
            Assert.True(channel.Room.TryAcquire(1));
            channel.Sent.Add(0);
            channel.Ring.Publish(channel.Ring.Claim(), 0);
            threads.Start("sender", Sender(channel, item: 1));
            threads.Start("receiver", Receiver(threads, channel));
            threads.Start("disposer", Disposer(threads, channel, barrierDrainsStoreBuffers));
            threads.Run();
            threads.Assert(channel.SawClosed, "the receive never saw Closed");
            var taken = channel.Received.Concat(channel.Dropped).ToList();
            threads.Assert(taken.Distinct().Count() == taken.Count,
                $"an item was taken twice: received [{string.Join(",", channel.Received)}], dropped [{string.Join(",", channel.Dropped)}]");
            threads.Assert(taken.Count + channel.Ring.Count == channel.Sent.Count,
                $"sent {channel.Sent.Count}, taken {taken.Count}, {channel.Ring.Count} left buffered");
            threads.Assert(channel.Room.AvailablePermits + channel.Ring.Count == Capacity,
                $"{channel.Room.AvailablePermits} permits free and {channel.Ring.Count} items buffered in a channel of {Capacity}");
        });

    [Fact]
    public void A_receive_and_the_drain_of_a_dispose_never_take_items_at_the_same_time()
    {
        Schedules.AssertNoBug(DisposeRacingAReceive(Schedules.PerTest, barrierDrainsStoreBuffers: true));
    }

    [Fact]
    public void The_model_reports_a_dispose_whose_barrier_leaves_the_receive_unseen()
    {
        var report = DisposeRacingAReceive(Schedules.PerTest, barrierDrainsStoreBuffers: false);
        Assert.True(report.NumOfFoundBugs > 0, "a drain beside a receive that took an item went unnoticed");
        Assert.Contains("the drain takes items while a receive", string.Join("\n", report.BugReports));
    }

    /// <summary>Two receives on one gate (misuse) and what the model records.</summary>
    private sealed class TwoConsumers
    {
        public ConsumerGate Gate;
        public int Taking;       // receives between their announcement and their exit
        public bool Overlapped;  // two took at the same time
        public bool Caught;      // one of them threw (on entering or on leaving)
    }

    /// <summary>
    /// ConsumerGate.Enter (its check, then its announcement: a step apart), a take, and Exit, twice; stops when caught.
    /// <paramref name="checkOnLeave"/> false models the gate before the check on leaving (a plain store of 0).
    /// </summary>
    private static IEnumerable<Func<bool>?> Consumer(TwoConsumers state, int receive, bool checkOnLeave)
    {
        for (int round = 0; round < 2; round++)
        {
            if (state.Gate.ReceiveInside)
            {
                state.Caught = true; // Enter throws: another receive is inside
                yield break;
            }
            yield return null;
            state.Gate.Announce(receive);
            yield return null;
            if (++state.Taking > 1) state.Overlapped = true;
            yield return null;
            state.Taking--;
            bool threw = false;
            if (!checkOnLeave) state.Gate.Announce(0);
            else
            {
                try
                {
                    state.Gate.Exit(receive);
                }
                catch (InvalidOperationException)
                {
                    threw = true;
                }
            }
            if (threw)
            {
                state.Caught = true;
                yield break;
            }
            yield return null;
        }
    }

    private static Microsoft.Coyote.SystematicTesting.TestReport TwoReceivesAtOnce(int iterations, bool checkOnLeave) =>
        Interleavings.Explore(iterations, threads =>
        {
            var state = new TwoConsumers();
            threads.Start("receive 1", Consumer(state, receive: 1, checkOnLeave));
            threads.Start("receive 2", Consumer(state, receive: 2, checkOnLeave));
            threads.Run();
            threads.Assert(!state.Overlapped || state.Caught, "two receives took items at the same time and neither threw");
        });

    [Fact]
    public void Two_receives_that_take_at_the_same_time_never_both_get_away_with_it()
    {
        Schedules.AssertNoBug(TwoReceivesAtOnce(Schedules.PerTest, checkOnLeave: true));
    }

    [Fact]
    public void The_model_reports_an_overlap_that_the_check_on_entering_alone_misses()
    {
        var report = TwoReceivesAtOnce(Schedules.PerTest, checkOnLeave: false);
        Assert.True(report.NumOfFoundBugs > 0, "an unreported overlap of two receives went unnoticed by the model");
        Assert.Contains("neither threw", string.Join("\n", report.BugReports));
    }
}
