using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Tasks;

/// <summary>A task whose resources are always ready yields after its budget instead of starving the others.</summary>
public class CoopBudgetTests
{
    private static int s_received;
    private static int s_receivedWhenOtherRan = -1;

    private static async Future<int> DrainAll(ChannelReceiver<int> receiver)
    {
        while ((await receiver.Receive()).HasValue) s_received++;
        return s_received;
    }

    private static async Future<int> NoteProgressOfTheOther()
    {
        s_receivedWhenOtherRan = s_received;
        await Future.Yield();
        return 0;
    }

    [Fact]
    public void A_receive_loop_on_a_full_channel_yields_after_128_items()
    {
        (s_received, s_receivedWhenOtherRan) = (0, -1);
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        for (int i = 0; i < 1_000; i++) Assert.True(sender.TrySend(i));
        sender.Close();

        using var executor = new LocalExecutor();
        executor.Spawn(DrainAll(receiver));
        executor.Spawn(NoteProgressOfTheOther());
        executor.Run();

        Assert.Equal(1_000, s_received);
        Assert.Equal(128, s_receivedWhenOtherRan);
    }

    [Fact]
    public void Futures_polled_by_hand_have_no_budget()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        for (int i = 0; i < 500; i++) sender.TrySend(i);
        var cx = new Context(Waker.Noop);
        for (int i = 0; i < 500; i++)
        {
            var receive = receiver.Receive();
            Assert.Equal(i, receive.Poll(ref cx).Value.Value);
        }
    }
}
