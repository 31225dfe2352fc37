using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

/// <summary>The primitives under contention from many tasks spread by the work-stealing executor over its threads.</summary>
public class WorkStealingContentionTests
{
    private static async Future Increment(AsyncMutex<long> mutex, int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            using var guard = await mutex.Lock();
            long before = guard.Value;
            await Future.Yield(); // another worker may poll this task next: the guard must still exclude everyone
            guard.Value = before + 1;
        }
    }

    private static async Future<long> IncrementFromManyTasks(AsyncMutex<long> mutex, int tasks, int iterations)
    {
        var handles = new JoinHandle<Unit>[tasks];
        for (int i = 0; i < tasks; i++) handles[i] = Executor.Spawn(Increment(mutex, iterations));
        foreach (var handle in handles) await handle;
        using var guard = await mutex.Lock();
        return guard.Value;
    }

    [Fact]
    public void Mutex_excludes_across_workers()
    {
        var mutex = new AsyncMutex<long>(0);
        using var executor = new WorkStealingExecutor(workerCount: 4);
        Assert.Equal(64L * 500, executor.BlockOn(IncrementFromManyTasks(mutex, 64, 500), SyncTestSupport.StallLimit));
    }

    private static async Future Produce(ChannelSender<int> sender, int producer, int count)
    {
        for (int i = 0; i < count; i++) Assert.True(await sender.Send(producer * 1_000_000 + i));
    }

    private static async Future<int> ProduceAndConsume(int producers, int items)
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(8);
        var handles = new JoinHandle<Unit>[producers];
        for (int p = 0; p < producers; p++) handles[p] = Executor.Spawn(Produce(sender, p, items));
        var next = new int[producers];
        int received = 0;
        while (received < producers * items)
        {
            int item = (await receiver.Receive()).Value;
            Assert.Equal(next[item / 1_000_000]++, item % 1_000_000);
            received++;
        }
        foreach (var handle in handles) await handle;
        Assert.False(receiver.TryReceive(out _));
        return received;
    }

    [Fact]
    public void Bounded_channel_between_tasks_on_different_workers_delivers_each_item_once_in_order()
    {
        using var executor = new WorkStealingExecutor(workerCount: 4);
        Assert.Equal(8 * 5_000, executor.BlockOn(ProduceAndConsume(8, 5_000), SyncTestSupport.StallLimit));
    }
}
