using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

/// <summary>
/// Many producer threads race with a close through the channels' lock-free paths (a permit or count taken, then the
/// item published): every send that completed with true is received exactly once, in its producer's order, before
/// the receiver sees Closed; every send that completed with false is not received.
/// </summary>
public class ChannelCloseRaceTests
{
    private const int Producers = 4;
    // Wider than any producer's count: on an unbounded channel producers may send millions of items before the
    // receiver (descheduled on a loaded machine) takes its first few hundred and closes; at 1,000,000 producer 0's
    // millionth item read as producer 1's first.
    private const long Stride = 1L << 32;

    private static async Future ProduceUntilClosed(ChannelSender<long> sender, int producer, int[] sent)
    {
        while (await sender.Send(producer * Stride + sent[producer])) sent[producer]++;
        Assert.False(sender.TrySend(-1)); // refused for good once a send was
    }

    /// <summary>Receives <paramref name="beforeClose"/> items, closes, then drains until Closed; returns per-producer counts.</summary>
    private static async Future ReceiveCloseAndDrain(ChannelReceiver<long> receiver, int beforeClose, int[] next)
    {
        int received = 0;
        while (true)
        {
            if (received == beforeClose) receiver.Close();
            var result = await receiver.Receive();
            if (!result.TryGetValue(out long item)) return;
            int producer = (int)(item / Stride);
            Assert.Equal(next[producer], item % Stride); // exactly once, in order
            next[producer]++;
            received++;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(null)]
    public void Sends_racing_a_close_are_received_exactly_when_they_reported_success(int? capacity)
    {
        for (int round = 0; round < 25; round++)
        {
            var (sender, receiver) = capacity is int bounded ? AsyncChannel.Bounded<long>(bounded) : AsyncChannel.Unbounded<long>();
            var sent = new int[Producers];
            var received = new int[Producers];
            SyncTestSupport.RunOnThreads(Producers + 1, thread => thread == Producers
                ? ReceiveCloseAndDrain(receiver, beforeClose: 500 + round * 37, received)
                : ProduceUntilClosed(sender, thread, sent));
            Assert.Equal(sent, received);
        }
    }
}
