using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Sync;

/// <summary>
/// Two threads receiving from one channel at once (two consumers of a single-consumer channel: misuse). The consumer
/// gate (<see cref="ConsumerGate"/>) makes a receive that enters while another one is inside throw, saying what to do
/// instead; the gate's check is a plain read, so the test receives until one of the threads is caught.
/// </summary>
public class ChannelTwoConsumersTests
{
    private const int MaxAttempts = 2_000_000; // per thread: overlapping polls are caught within the first thousands

    [Fact]
    public async Task Receives_running_at_once_on_two_threads_throw_InvalidOperationException_that_names_the_fix()
    {
        var core = new ChannelCore<int>(4);
        using var stop = new CancellationTokenSource();
        var errors = new InvalidOperationException?[2];

        Task Consumer(int index) => Task.Factory.StartNew(() =>
        {
            try
            {
                for (int i = 0; i < MaxAttempts && !stop.IsCancellationRequested; i++)
                {
                    if (i % 2 == 0) core.TryReceive(out _);
                    else
                    {
                        bool registered = false;
                        core.PollReceive(ref registered, Waker.Noop);
                        core.CancelReceive(ref registered);
                    }
                }
            }
            catch (InvalidOperationException error)
            {
                errors[index] = error;
                stop.Cancel();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var producer = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested) core.TrySend(1);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await Task.WhenAll(Consumer(0), Consumer(1)).WaitAsync(SyncTestSupport.StallLimit);
        stop.Cancel();
        await producer.WaitAsync(SyncTestSupport.StallLimit);

        var error = errors.FirstOrDefault(e => e is not null); // either thread, or both, may be the one caught
        Assert.NotNull(error);
        Assert.Contains("single consumer", error.Message);
        Assert.Contains("AsyncMutex<ChannelReceiver<T>>", error.Message);
    }

    private sealed class GateBox
    {
        public ConsumerGate Gate;
    }

    [Fact]
    public void A_receive_whose_announcement_another_receive_overwrote_throws_on_leaving()
    {
        // The interleaving the check on entering cannot see: both receives found the gate free, then both announced
        // themselves (the second on another thread, here by hand after the first's Enter). The first leaves after the
        // second's announcement replaced its own, so it throws; the second, whose announcement stands, clears the gate.
        var box = new GateBox();
        Exception? firstLeaving = null;
        using var entered = new ManualResetEventSlim();
        using var overwritten = new ManualResetEventSlim();
        var first = new Thread(() =>
        {
            int receive = ConsumerGate.CurrentReceive;
            Assert.True(box.Gate.Enter(receive));
            entered.Set();
            overwritten.Wait(SyncTestSupport.StallLimit);
            firstLeaving = Record.Exception(() => box.Gate.Exit(receive));
        });
        first.Start();
        Assert.True(entered.Wait(SyncTestSupport.StallLimit));
        int second = ConsumerGate.CurrentReceive;
        Assert.NotEqual(0, second);
        box.Gate.Announce(second); // the second receive's store, after its check saw the gate free
        overwritten.Set();
        Assert.True(first.Join(SyncTestSupport.StallLimit));

        var error = Assert.IsType<InvalidOperationException>(firstLeaving);
        Assert.Contains("single consumer", error.Message);
        box.Gate.Exit(second); // the second receive leaves normally
        Assert.False(box.Gate.ReceiveInside);
        Assert.True(box.Gate.Enter(second)); // and the gate serves the next receive
        box.Gate.Exit(second);
    }

    [Fact]
    public async Task Two_consumers_on_two_threads_either_are_caught_or_never_take_an_item_twice()
    {
        const int Items = 200_000;
        var core = new ChannelCore<int>(8);
        using var stop = new CancellationTokenSource();
        var received = new List<int>[] { [], [] };
        var errors = new InvalidOperationException?[2];

        Task Consumer(int index) => Task.Factory.StartNew(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                    if (core.TryReceive(out int item)) received[index].Add(item);
            }
            catch (InvalidOperationException error)
            {
                errors[index] = error;
                stop.Cancel();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var producer = Task.Factory.StartNew(() =>
        {
            for (int item = 1; item <= Items && !stop.IsCancellationRequested;)
                if (core.TrySend(item)) item++;
            stop.Cancel();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await Task.WhenAll(Consumer(0), Consumer(1), producer).WaitAsync(SyncTestSupport.StallLimit);

        var taken = received[0].Concat(received[1]).ToList();
        bool caught = errors.Any(e => e is not null);
        Assert.True(caught || taken.Distinct().Count() == taken.Count,
            $"{taken.Count - taken.Distinct().Count()} item(s) taken twice by two consumers and no receive threw");
    }
}
