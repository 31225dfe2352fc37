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
}
