using System.Runtime.CompilerServices;
using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

public class OneshotTests
{
    [Fact]
    public void A_pending_receiver_is_woken_by_send_and_gets_the_value()
    {
        var (sender, receiver) = Oneshot.Create<string>();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(receiver.Poll(ref cx).IsPending);
        Assert.True(sender.Send("hello"));
        Assert.Equal(1, wakes.Wakes);
        Assert.Equal("hello", receiver.Poll(ref cx).Value.Value);
        Assert.False(sender.Send("again"));
    }

    [Fact]
    public void Disposing_the_sender_without_sending_completes_the_receiver_with_Closed()
    {
        var (sender, receiver) = Oneshot.Create<int>();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(receiver.Poll(ref cx).IsPending);
        sender.Dispose();
        Assert.Equal(1, wakes.Wakes);
        Assert.True(receiver.Poll(ref cx).Value.IsClosed);
    }

    [Fact]
    public void Disposing_the_sender_after_sending_keeps_the_value()
    {
        var (sender, receiver) = Oneshot.Create<int>();
        using (sender) sender.Send(7);
        Assert.Equal(7, Executor.BlockOn(receiver).Value);
    }

    [Fact]
    public void Disposing_the_receiver_closes_the_channel_for_the_sender()
    {
        var (sender, receiver) = Oneshot.Create<int>();
        var wakes = new CountingWakeTarget();
        var cx = new Context(wakes.Waker);
        Assert.True(receiver.Poll(ref cx).IsPending);
        Assert.False(sender.IsClosed);
        receiver.Dispose();
        Assert.True(sender.IsClosed);
        Assert.False(sender.Send(1));
    }

    [Fact]
    public void A_send_from_another_thread_wakes_the_receiver_on_its_executor()
    {
        var (sender, receiver) = Oneshot.Create<int>();
        var result = Executor.BlockOn(Receive(), SyncTestSupport.StallLimit);
        Assert.True(result.sentFrom != result.receivedOn);
        Assert.Equal(result.sentFrom, result.value);

        async Future<(int value, int sentFrom, int receivedOn)> Receive()
        {
            int senderThread = 0;
            var send = new Thread(() =>
            {
                senderThread = Environment.CurrentManagedThreadId;
                sender.Send(senderThread);
            });
            send.Start();
            var received = await receiver;
            send.Join();
            return (received.Value, senderThread, Environment.CurrentManagedThreadId);
        }
    }

    private static async Future ReceiveOrDrop(OneshotReceiver<int>[] receivers, bool[] waited, bool[] received, StrongBox<int> progress)
    {
        var random = new Random(5);
        for (int i = 0; i < receivers.Length; i++, Volatile.Write(ref progress.Value, i))
        {
            if (random.Next(2) == 0)
            {
                waited[i] = true;
                received[i] = (await receivers[i]).Value == i;
                continue;
            }
            // Poll once and drop the receiver if the value is not there yet: races with the send on the other thread.
            var race = await Future.Select(receivers[i], SyncTestSupport.YieldTimes(0));
            received[i] = race.IsFirst && race.First.Value == i;
        }
    }

    [Fact]
    public void Sends_racing_with_receivers_being_dropped_on_another_thread_deliver_or_refuse_consistently()
    {
        const int count = 20_000;
        var senders = new OneshotSender<int>[count];
        var receivers = new OneshotReceiver<int>[count];
        for (int i = 0; i < count; i++) (senders[i], receivers[i]) = Oneshot.Create<int>();
        var sent = new bool[count];
        var waited = new bool[count];
        var received = new bool[count];
        var progress = new StrongBox<int>();

        SyncTestSupport.RunOnThreads<Unit>(2, thread =>
        {
            if (thread == 1) return ReceiveOrDrop(receivers, waited, received, progress);
            for (int i = 0; i < count; i++)
            {
                // Stay at most a few items ahead of the receiver, so that sends really race with its polls and drops.
                var spin = new SpinWait();
                while (Volatile.Read(ref progress.Value) < i - 4) spin.SpinOnce();
                sent[i] = senders[i].Send(i);
            }
            return Future.Yield();
        });

        for (int i = 0; i < count; i++)
        {
            if (received[i]) Assert.True(sent[i]);  // never a value the sender was told was refused
            if (waited[i]) Assert.True(received[i]); // a receiver that waits always gets the value
        }
    }
}
