using System.Collections.Concurrent;
using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The unbounded channel (<c>ChannelCore</c> without a ring): a send counts itself in the count word with one CAS
/// that also checks the closed bit, enqueues into the <see cref="ConcurrentQueue{T}"/> and wakes the receiver's
/// <see cref="AtomicWaker"/>; the receive dequeues and uncounts, reports Closed only when the word reads "closed,
/// nothing counted" in one load, arms its waker and looks again. Two ways in:
/// <list type="bullet">
/// <item>the protocol written out one interlocked operation per step (as <see cref="ChannelFastPathTests"/> does for
/// the bounded path), over a real queue and a real <see cref="AtomicWaker"/>, with two injected bugs the exploration
/// must report;</item>
/// <item>the public API (<see cref="AsyncChannel.Unbounded{T}"/>): two sender handles whose last dispose closes, a
/// receiver that gives up receives and may dispose the receiver while a receive is pending.</item>
/// </list>
/// Whatever the interleaving: an item whose send succeeded is received exactly once (unless the receiver was disposed:
/// then at most once), in each sender's order; Closed comes only after every such item; nobody waits for ever.
/// </summary>
public class UnboundedChannelTests
{
    // ChannelCore's count word: items sent and not yet received × OneItem | Closed.
    private const long Closed = 1;
    private const long OneItem = 2;

    /// <summary>The parts of one unbounded channel (ChannelCore's fields).</summary>
    private sealed class Channel
    {
        public readonly ConcurrentQueue<int> Queue = new();
        public long Count;
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
        ClosedCheckedApartFromCount = 2,
    }

    /// <summary>One send (TrySendUnbounded): count it unless closed, enqueue, wake.</summary>
    private static IEnumerable<Func<bool>?> Send(Channel channel, int item, Mutation mutation)
    {
        if (mutation.HasFlag(Mutation.ClosedCheckedApartFromCount))
        {
            bool closed = (Volatile.Read(ref channel.Count) & Closed) != 0;
            yield return null;
            if (closed) yield break;
            Interlocked.Add(ref channel.Count, OneItem);
        }
        else
        {
            // The CAS loop is one step: linearizable at its successful CAS (or at the load that saw the closed bit).
            long state = Volatile.Read(ref channel.Count);
            while (true)
            {
                if ((state & Closed) != 0) yield break; // refused
                long seen = Interlocked.CompareExchange(ref channel.Count, state + OneItem, state);
                if (seen == state) break;
                state = seen;
            }
        }
        channel.Sent.Add(item); // counted: the send has succeeded, so the item must arrive
        yield return null;
        channel.Queue.Enqueue(item);
        yield return null;
        channel.Receiver.Wake();
    }

    private static IEnumerable<Func<bool>?> Sender(Channel channel, int first, int count, Mutation mutation)
    {
        for (int item = first; item < first + count; item++)
            foreach (var step in Send(channel, item, mutation)) yield return step;
    }

    /// <summary>Receives until Closed (PollReceive: TryTake, IsDrained, Register, again); a new waker per receive or not (a choice).</summary>
    private static IEnumerable<Func<bool>?> Receiver(Channel channel, Interleavings threads, Mutation mutation)
    {
        var waker = new FlagWaker();
        while (true)
        {
            if (threads.Choose()) waker = new FlagWaker(); // the receive moved to another task
            while (true)
            {
                waker.Woken = false;
                int? taken = null;
                bool drained = false, armed = false;
                for (int look = 0; look < 2 && taken is null && !drained; look++)
                {
                    if (look == 1)
                    {
                        if (mutation.HasFlag(Mutation.NoLookAfterArming)) break;
                        yield return null;
                    }
                    if (channel.Queue.TryDequeue(out int item))
                    {
                        taken = item;
                        yield return null;
                        Interlocked.Add(ref channel.Count, -OneItem);
                        break;
                    }
                    yield return null;
                    drained = Volatile.Read(ref channel.Count) == Closed;
                    if (look == 0 && !drained)
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

    /// <summary>ChannelCore.Close on an unbounded channel: the closed bit into the count word, then the wake.</summary>
    private static IEnumerable<Func<bool>?> Closer(Channel channel)
    {
        yield return null;
        Interlocked.Or(ref channel.Count, Closed);
        yield return null;
        channel.Receiver.Wake();
    }

    private static Microsoft.Coyote.SystematicTesting.TestReport SendersRacingAClose(int iterations, Mutation mutation) =>
        Interleavings.Explore(iterations, threads =>
        {
            var channel = new Channel();
            threads.Start("sender 0", Sender(channel, first: 0, count: 2, mutation));
            threads.Start("sender 100", Sender(channel, first: 100, count: 2, mutation));
            threads.Start("receiver", Receiver(channel, threads, mutation));
            threads.Start("closer", Closer(channel));
            threads.Run();
            threads.Assert(channel.SawClosed, "the receiver never saw Closed");
            var received = channel.Received;
            threads.Assert(received.Count == received.Distinct().Count(), $"an item arrived twice: [{string.Join(",", received)}]");
            threads.Assert(received.Order().SequenceEqual(channel.Sent.Order()),
                $"sent [{string.Join(",", channel.Sent)}], received [{string.Join(",", received)}]");
            foreach (int first in new[] { 0, 100 })
            {
                var mine = received.Where(item => item >= first && item < first + 100).ToList();
                threads.Assert(mine.SequenceEqual(mine.Order()), $"sender {first}'s items out of order: [{string.Join(",", mine)}]");
            }
            threads.Assert(channel.Count == Closed, $"the count word ends at {channel.Count}, not closed and empty");
        });

    [Fact]
    public void Senders_racing_a_close_deliver_every_counted_item_once_in_order_before_the_receiver_sees_Closed()
    {
        Schedules.AssertNoBug(SendersRacingAClose(Schedules.PerTest, Mutation.None));
    }

    [Fact]
    public void The_model_reports_a_receiver_that_does_not_look_again_after_arming()
    {
        var report = SendersRacingAClose(Schedules.PerTest, Mutation.NoLookAfterArming);
        Assert.True(report.NumOfFoundBugs > 0, "the lost wake-up went unnoticed");
        Assert.Contains("lost wake-up", string.Join("\n", report.BugReports));
    }

    [Fact]
    public void The_model_reports_a_send_that_checks_the_closed_bit_apart_from_counting_itself()
    {
        // The receiver can read "closed, nothing counted" between the sender's check and its count: it reports Closed
        // and the sender's item, sent successfully, is never received.
        var report = SendersRacingAClose(Schedules.PerTest, Mutation.ClosedCheckedApartFromCount);
        Assert.True(report.NumOfFoundBugs > 0, "an item sent before the close and lost went unnoticed");
        Assert.Contains("received", string.Join("\n", report.BugReports));
    }

    [Fact]
    public void Through_the_public_API_sends_receives_a_last_sender_dispose_and_a_receiver_dispose_lose_and_double_nothing()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var (sender, receiver) = AsyncChannel.Unbounded<int>();
            var second = sender.Clone();
            var sent = new List<int>();
            var received = new List<int>();
            bool receiverDisposed = false, sawClosed = false;
            threads.Start("sender 0", Producer(sender, 0));
            threads.Start("sender 100", Producer(second, 100));
            threads.Start("receiver", Consumer());
            threads.Run();

            threads.Assert(sawClosed, "the receiver never saw Closed although every sender handle was disposed");
            threads.Assert(received.Count == received.Distinct().Count(), $"an item arrived twice: [{string.Join(",", received)}]");
            threads.Assert(received.All(sent.Contains), $"received [{string.Join(",", received)}], sent only [{string.Join(",", sent)}]");
            if (!receiverDisposed)
                threads.Assert(received.Order().SequenceEqual(sent.Order()), $"sent [{string.Join(",", sent)}], received [{string.Join(",", received)}]");
            foreach (int first in new[] { 0, 100 })
            {
                var mine = received.Where(item => item >= first && item < first + 100).ToList();
                threads.Assert(mine.SequenceEqual(mine.Order()), $"sender {first}'s items out of order: [{string.Join(",", mine)}]");
            }

            IEnumerable<Func<bool>?> Producer(ChannelSender<int> handle, int first)
            {
                for (int item = first; item < first + 2; item++)
                {
                    yield return null;
                    bool disposedBefore = receiverDisposed;
                    int value = item;
                    foreach (var step in Await.Steps(handle.Send(value), ok =>
                             {
                                 if (ok) sent.Add(value);
                                 threads.Assert(!(ok && disposedBefore), $"item {value} was accepted after the receiver was disposed");
                             }))
                        yield return step;
                }
                yield return null;
                handle.Dispose(); // the last sender handle disposed closes the channel
            }

            IEnumerable<Func<bool>?> Consumer()
            {
                while (!sawClosed)
                {
                    var future = receiver.Receive();
                    var waker = new FlagWaker();
                    while (true)
                    {
                        waker.Woken = false;
                        var cx = new Context(waker.Waker);
                        var poll = future.Poll(ref cx);
                        if (poll.IsReady)
                        {
                            if (poll.Value.HasValue) received.Add(poll.Value.Value);
                            else sawClosed = true;
                            break;
                        }
                        if (!receiverDisposed && threads.Choose() && threads.Choose())
                        {
                            // Dropping the receiver while its receive is pending: the pending receive must see Closed.
                            receiver.Dispose();
                            receiverDisposed = true;
                            yield return null;
                            continue;
                        }
                        if (threads.Choose() && threads.Choose())
                        {
                            future.Dispose(); // gave up: cancel safe, the next receive takes what this one would have
                            break;
                        }
                        yield return () => waker.Woken;
                    }
                    yield return null;
                }
            }
        }));
    }
}
