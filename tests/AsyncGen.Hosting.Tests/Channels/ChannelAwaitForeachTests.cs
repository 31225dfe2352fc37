using AsyncGen.Sync;

namespace AsyncGen.Hosting.Tests.Channels;

/// <summary><c>await foreach</c> over a channel receiver in a generated machine (issue 12, item 6); in this project
/// because it compiles [PollAsync] code with the generator.</summary>
public partial class ChannelAwaitForeachTests
{
    [PollAsync]
    private static async Future<long> SumAll(ChannelReceiver<int> receiver)
    {
        long sum = 0;
        await foreach (var item in receiver) sum += item;
        return sum;
    }

    [PollAsync]
    private static async Future Produce(ChannelSender<int> sender, int count)
    {
        for (int i = 1; i <= count; i++) await sender.Send(i);
        sender.Dispose();
    }

    /// <summary>Consumer and producer on one LocalExecutor (so every allocation is on this thread); capacity 1 makes
    /// the consumer wait for nearly every item.</summary>
    private static (long Sum, long Bytes) Run(int items)
    {
        using var executor = new LocalExecutor();
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        _ = executor.Spawn(Produce(sender, items));
        long sum = executor.BlockOn(SumAll(receiver));
        return (sum, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Await_foreach_over_a_receiver_is_a_generated_machine()
    {
        var (_, receiver) = AsyncChannel.Unbounded<int>();
        Assert.IsType<FutureBox<SumAllFuture, long>>(SumAll(receiver));
    }

    [Fact]
    public void Await_foreach_over_a_receiver_allocates_nothing_per_item()
    {
        Run(1_000); // JIT, executor and pools warm up
        var small = Run(1_000);
        var large = Run(11_000);
        Assert.Equal(1_000L * 1_001 / 2, small.Sum);
        Assert.Equal(11_000L * 11_001 / 2, large.Sum);
        Assert.Equal(small.Bytes, large.Bytes); // 10,000 more items, not one byte more
    }
}
