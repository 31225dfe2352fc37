using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The waiter queues of the sync primitives (AsyncSemaphore over BatchSemaphore, Notify, Oneshot, the bounded
/// channel) with waiters that give up (dispose their pending future) at controlled points: nothing is lost, nothing
/// is handed out twice, nobody is left waiting for what was given back.
/// </summary>
public class WaiterQueueTests
{
    [Fact]
    public void Semaphore_permits_are_neither_lost_nor_doubled_when_waiters_give_up()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var semaphore = new AsyncSemaphore(1);
            int holders = 0, maxHolders = 0;
            for (int i = 0; i < 3; i++) threads.Start($"task {i}", Worker());
            threads.Run();
            threads.Assert(maxHolders == 1 || maxHolders == 0, $"{maxHolders} tasks held the one permit at once");
            threads.Assert(semaphore.AvailablePermits == 1, $"{semaphore.AvailablePermits} permits at the end, not 1");

            IEnumerable<Func<bool>?> Worker()
            {
                SemaphorePermit permit = default;
                bool acquired = false;
                foreach (var step in Await.Steps(semaphore.Acquire(), p => (permit, acquired) = (p, true), giveUp: threads.Choose))
                    yield return step;
                if (!acquired) yield break;
                maxHolders = Math.Max(maxHolders, ++holders);
                yield return null;
                holders--;
                permit.Dispose();
            }
        }));
    }

    [Fact]
    public void A_NotifyOne_aimed_at_a_waiter_that_gives_up_is_passed_on()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var notify = new Notify();
            int notified = 0, gaveUp = 0, polled = 0;
            threads.Start("waiter 0", Waiter());
            threads.Start("waiter 1", Waiter());
            threads.Start("notifier", Notifier());
            threads.Run();
            // Two notifications, each reaches a waiter or stays stored as the permit; a waiter that gave up got none.
            threads.Assert(notified + gaveUp == 2, $"{notified} notified, {gaveUp} gave up");

            IEnumerable<Func<bool>?> Waiter()
            {
                bool done = false, counted = false;
                foreach (var step in Await.Steps(notify.Notified(), _ => done = true, giveUp: threads.Choose))
                {
                    if (!counted) (counted, polled) = (true, polled + 1);
                    yield return step;
                }
                if (!counted) polled++;
                if (done) notified++;
                else gaveUp++;
            }

            // Notifies once both waiters have polled: earlier, two NotifyOne with nobody waiting would store one
            // permit (by design: at most one is kept), and one waiter would rightly wait for ever.
            IEnumerable<Func<bool>?> Notifier()
            {
                yield return () => polled == 2;
                notify.NotifyOne();
                yield return null;
                notify.NotifyOne();
            }
        }));
    }

    [Fact]
    public void A_oneshot_delivers_its_value_or_closes_whichever_side_goes_first()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var (sender, receiver) = Oneshot.Create<int>();
            bool sent = false, received = false, closed = false, gaveUp = false;
            threads.Start("sender", Sender());
            threads.Start("receiver", Receiver());
            threads.Run();
            threads.Assert(received ? sent : true, "received a value that was never sent");
            threads.Assert(gaveUp || received || closed, "the receiver ended with nothing");
            threads.Assert(!(sent && closed), "the receiver saw Closed although the value was sent");

            IEnumerable<Func<bool>?> Sender()
            {
                yield return null;
                if (threads.Choose()) sent = sender.Send(42);
                else sender.Dispose();
            }

            IEnumerable<Func<bool>?> Receiver()
            {
                bool done = false;
                foreach (var step in Await.Steps(receiver, result =>
                         {
                             done = true;
                             if (result.HasValue) received = result.Value == 42;
                             else closed = true;
                         }, giveUp: () => threads.Choose() && threads.Choose()))
                    yield return step;
                gaveUp = !done;
            }
        }));
    }

    [Fact]
    public void A_bounded_channel_delivers_every_item_sent_in_order_when_senders_give_up()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var (sender, receiver) = AsyncChannel.Bounded<int>(1);
            var sentItems = new List<int>();
            var receivedItems = new List<int>();
            threads.Start("producer", Producer());
            threads.Start("consumer", Consumer());
            threads.Run();
            threads.Assert(receivedItems.SequenceEqual(sentItems), $"sent [{string.Join(",", sentItems)}], received [{string.Join(",", receivedItems)}]");

            IEnumerable<Func<bool>?> Producer()
            {
                for (int item = 1; item <= 3; item++)
                {
                    int value = item;
                    foreach (var step in Await.Steps(sender.Send(value), ok => { if (ok) sentItems.Add(value); }, giveUp: () => threads.Choose() && threads.Choose()))
                        yield return step;
                }
                sender.Dispose(); // the last sender handle: the channel closes
            }

            IEnumerable<Func<bool>?> Consumer()
            {
                bool open = true;
                while (open)
                {
                    foreach (var step in Await.Steps(receiver.Receive(), result =>
                             {
                                 if (result.HasValue) receivedItems.Add(result.Value);
                                 else open = false;
                             }))
                        yield return step;
                }
            }
        }));
    }
}
