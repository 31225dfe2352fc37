using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The oneshot's state word (<see cref="OneshotCell{T}"/>: claim, complete, the receiver's waker bit, receiver gone)
/// with two copies of the sender racing to send or dispose, each send split into its two interlocked steps (claim,
/// then publish), and a receiver that polls with a different waker on some polls (the bit cleared, the waker
/// rewritten, the bit set again) and may give up. Whatever the interleaving: at most one send succeeds; a receiver
/// that waits gets exactly that value, or Closed when the sender was disposed first; nobody waits for ever.
/// </summary>
/// <remarks>The receiver's own poll runs as one step (its clear-rewrite-set sequence is not split; the sender's
/// publish landing inside it is the case its final <c>Or</c> returns Complete for, see the type's remarks).</remarks>
public class OneshotStateTests
{
    [Fact]
    public void Racing_senders_a_dispose_and_a_receiver_that_changes_wakers_agree_on_one_outcome()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var (sender, receiver) = Oneshot.Create<int>();
            var cell = sender.Cell;
            var succeeded = new List<int>();
            int? received = null;
            bool closed = false, gaveUp = false;
            threads.Start("sender 1", Sender(1));
            threads.Start("sender 2", Sender(2));
            threads.Start("receiver", Receiver());
            threads.Run();

            threads.Assert(succeeded.Count <= 1, $"{succeeded.Count} sends succeeded");
            if (received is int value) threads.Assert(succeeded.SequenceEqual([value]), $"received {value}, sends that succeeded: [{string.Join(",", succeeded)}]");
            if (closed) threads.Assert(succeeded.Count == 0, "the receiver saw Closed although a send succeeded");
            if (succeeded.Count == 1 && !gaveUp) threads.Assert(received == succeeded[0], "a send succeeded and the waiting receiver did not get it");
            threads.Assert(gaveUp || closed || received is not null, "the receiver ended with nothing");

            IEnumerable<Func<bool>?> Sender(int value)
            {
                yield return null;
                if (threads.Choose())
                {
                    sender.Dispose();
                    yield break;
                }
                if (!cell.TryClaimSend()) yield break; // the other copy sent or disposed first, or the receiver left
                yield return null;
                if (cell.Publish(value)) succeeded.Add(value);
            }

            IEnumerable<Func<bool>?> Receiver()
            {
                var first = new FlagWaker();
                var second = new FlagWaker();
                while (true)
                {
                    var waker = threads.Choose() ? first : second;
                    waker.Woken = false;
                    var cx = new Context(waker.Waker);
                    var poll = receiver.Poll(ref cx);
                    if (poll.IsReady)
                    {
                        if (poll.Value.TryGetValue(out int value)) received = value;
                        else closed = true;
                        yield break;
                    }
                    if (threads.Choose() && threads.Choose())
                    {
                        receiver.Dispose();
                        gaveUp = true;
                        yield break;
                    }
                    yield return () => waker.Woken;
                }
            }
        }));
    }
}
