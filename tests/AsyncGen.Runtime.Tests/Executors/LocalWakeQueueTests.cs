using System.Runtime.CompilerServices;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// <see cref="LocalExecutor"/>'s two run queues: wakes and spawns issued on the executor's own thread go to a plain
/// queue (no interlocked operation), wakes from other threads to the concurrent one. Neither starves the other,
/// and no wake from another thread is lost while the executor's own tasks keep waking each other.
/// </summary>
public class LocalWakeQueueTests
{
    // Liveness guard only: a lost or starved wake shows as a StalledTaskException instead of a hung test run.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static async Future<int> YieldUntil(StrongBox<bool> stop)
    {
        int yields = 0;
        while (!Volatile.Read(ref stop.Value))
        {
            await Future.Yield(); // wakes itself from the executor thread: the local queue
            yields++;
        }
        return yields;
    }

    private static async Future<long> ReceiveAll(ChannelReceiver<int> inbox, StrongBox<bool> stop)
    {
        long sum = 0;
        while (true)
        {
            var item = await inbox.Receive(); // woken by the sending threads: the concurrent queue
            if (item.IsClosed) break;
            sum += item.Value;
        }
        Volatile.Write(ref stop.Value, true);
        return sum;
    }

    private static async Future<long> YieldersAndAReceiver(ChannelReceiver<int> inbox)
    {
        var stop = new StrongBox<bool>();
        var first = Executor.Spawn(YieldUntil(stop));
        var second = Executor.Spawn(YieldUntil(stop));
        long sum = await ReceiveAll(inbox, stop);
        await first;
        await second;
        return sum;
    }

    [Fact]
    public void Wakes_from_other_threads_are_not_starved_by_tasks_that_keep_waking_on_the_executor_thread()
    {
        const int PerThread = 2_000;
        var (sender, inbox) = AsyncChannel.Unbounded<int>();
        var second = sender.Clone();
        using var executor = new LocalExecutor();
        var threads = new[] { sender, second }.Select(handle => new Thread(() =>
        {
            for (int i = 1; i <= PerThread; i++)
            {
                Assert.True(handle.TrySend(i));
                if (i % 64 == 0) Thread.Yield(); // let the receiver drain and register again: more cross-thread wakes
            }
            handle.Dispose(); // the last of the two closes the channel
        })).ToArray();
        foreach (var thread in threads) thread.Start();

        long sum = executor.BlockOn(YieldersAndAReceiver(inbox), Limit);

        foreach (var thread in threads) thread.Join();
        Assert.Equal(2L * PerThread * (PerThread + 1) / 2, sum);
        Assert.Equal(0, executor.TaskCount);
    }

    private static async Future<int> Echo(ChannelReceiver<int> pings, ChannelSender<int> pongs)
    {
        int count = 0;
        while (true)
        {
            var ping = await pings.Receive();
            if (ping.IsClosed) return count;
            await pongs.Send(ping.Value + 1);
            count++;
        }
    }

    private static async Future<int> PingPongBesideForeignWakes(int roundTrips, ChannelReceiver<int> foreign)
    {
        var (pings, pingInbox) = AsyncChannel.Bounded<int>(1);
        var (pongs, pongInbox) = AsyncChannel.Bounded<int>(1);
        var echo = Executor.Spawn(Echo(pingInbox, pongs));
        var stop = new StrongBox<bool>();
        var receiver = Executor.Spawn(ReceiveAll(foreign, stop));
        for (int i = 0; i < roundTrips; i++)
        {
            await pings.Send(i);
            var pong = await pongInbox.Receive();
            Assert.Equal(i + 1, pong.Value);
        }
        pings.Close();
        Assert.Equal(roundTrips, await echo);
        return checked((int)await receiver);
    }

    [Fact]
    public void A_same_thread_ping_pong_and_wakes_from_another_thread_all_arrive()
    {
        const int RoundTrips = 20_000, Foreign = 3_000;
        var (sender, inbox) = AsyncChannel.Bounded<int>(4);
        using var executor = new LocalExecutor();
        var thread = new Thread(() =>
        {
            // Bounded: the thread blocks on a full channel until the executor's receiver frees room (a wake back).
            for (int i = 1; i <= Foreign; i++)
                while (!sender.TrySend(i)) Thread.Yield();
            sender.Dispose();
        });
        thread.Start();

        int sum = executor.BlockOn(PingPongBesideForeignWakes(RoundTrips, inbox), Limit);

        thread.Join();
        Assert.Equal(Foreign * (Foreign + 1) / 2, sum);
    }
}
