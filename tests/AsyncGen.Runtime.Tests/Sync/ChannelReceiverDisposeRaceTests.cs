using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

/// <summary>
/// <see cref="ChannelCore{T}.DisposeReceiver"/> racing the receive its close wakes, polled on another thread (review
/// finding 9): the drain and the receive are both consumers of the single-consumer ring, so the core lets one take at
/// a time. Every item is received once or dropped once, never both (a double take returns its permit twice), and a
/// receive that starts after the dispose returned sees Closed.
/// </summary>
public class ChannelReceiverDisposeRaceTests
{
    private const int Capacity = 8;
    private const int Rounds = 500; // the unfixed core failed within the first few hundred rounds (a permit returned twice)
    private const int TryReceiveRounds = 200; // each round waits for two threads to be scheduled: fewer rounds than above

    [Fact]
    public async Task A_receive_woken_on_another_thread_while_the_receiver_is_disposed_never_shares_an_item_with_the_drain()
    {
        for (int round = 0; round < Rounds; round++)
        {
            var core = new ChannelCore<int>(Capacity);
            int items = 1 + round % Capacity;
            var received = new List<int>();
            int disposed = 0;
            bool sawItemAfterDispose = false;
            using var pending = new ManualResetEventSlim();

            var receiver = Task.Factory.StartNew(() =>
            {
                bool registered = false;
                var first = core.PollReceive(ref registered, Waker.Noop);
                Assert.True(first.IsPending); // empty: the receive is registered and pending
                pending.Set();
                while (true)
                {
                    // Spins on the pending receive (a repoll is what a wake-up does), then receives again after each
                    // item, as a loop would, until Closed.
                    bool afterDispose = Volatile.Read(ref disposed) != 0;
                    var poll = core.PollReceive(ref registered, Waker.Noop);
                    if (poll.IsPending) continue;
                    if (!poll.Value.TryGetValue(out int item)) return;
                    if (afterDispose) sawItemAfterDispose = true;
                    received.Add(item);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            Assert.True(pending.Wait(SyncTestSupport.StallLimit));
            for (int i = 0; i < items; i++) Assert.True(core.TrySend(i));
            core.DisposeReceiver();
            Volatile.Write(ref disposed, 1);
            await receiver.WaitAsync(SyncTestSupport.StallLimit);

            Assert.False(sawItemAfterDispose, $"round {round}: a receive that started after the dispose got an item");
            Assert.Equal(received.Distinct().Count(), received.Count);
            Assert.All(received, item => Assert.InRange(item, 0, items - 1));
            // Each item taken once returned its one permit: a take shared by the drain and the receive returns two.
            Assert.Equal(Capacity, core.Room!.AvailablePermits);
            Assert.Equal(0, core.Count);
            bool again = false;
            Assert.True(core.PollReceive(ref again, Waker.Noop).Value.IsClosed);
            Assert.False(core.TryReceive(out _));
        }
    }

    [Fact]
    public async Task TryReceive_on_another_thread_while_the_receiver_is_disposed_never_shares_an_item_with_the_drain()
    {
        for (int round = 0; round < TryReceiveRounds; round++)
        {
            var core = new ChannelCore<int>(Capacity);
            int items = 1 + round % Capacity;
            var received = new List<int>();
            int disposed = 0;
            bool sawItemAfterDispose = false;
            using var started = new ManualResetEventSlim();

            var receiver = Task.Factory.StartNew(() =>
            {
                started.Set();
                // Takes whatever arrives until the dispose is over and one more try found nothing.
                while (true)
                {
                    bool afterDispose = Volatile.Read(ref disposed) != 0;
                    if (core.TryReceive(out int item))
                    {
                        if (afterDispose) sawItemAfterDispose = true;
                        received.Add(item);
                    }
                    else if (afterDispose) return;
                    else Thread.Yield(); // nothing yet: let the sending and disposing thread run on a busy machine
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            Assert.True(started.Wait(SyncTestSupport.StallLimit));
            for (int i = 0; i < items; i++) Assert.True(core.TrySend(i));
            core.DisposeReceiver();
            Volatile.Write(ref disposed, 1);
            await receiver.WaitAsync(SyncTestSupport.StallLimit);

            Assert.False(sawItemAfterDispose, $"round {round}: a TryReceive that started after the dispose got an item");
            Assert.Equal(received.Distinct().Count(), received.Count);
            Assert.Equal(Capacity, core.Room!.AvailablePermits);
            Assert.Equal(0, core.Count);
        }
    }
}
