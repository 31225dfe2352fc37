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
}
