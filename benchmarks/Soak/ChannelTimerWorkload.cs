using System.Diagnostics;
using AsyncGen.Sync;

namespace AsyncGen.Soak;

/// <summary>
/// Producers and a consumer on a bounded channel, with sends that give up (Timeout) at random, and sleepers that
/// check they are never woken early.
/// </summary>
internal static partial class ChannelTimerWorkload
{
    [PollAsync]
    public static async Future Produce(ChannelSender<long> sender, int seed, SoakCounters counters, StopSignal stop)
    {
        using (sender)
        {
            var random = new Random(seed);
            long next = 0;
            while (!stop.IsSet)
            {
                try
                {
                    // Cancelled sends are part of the load: a Timeout that fires first disposes the pending send.
                    bool accepted = await Time.Timeout(sender.Send(next), TimeSpan.FromMilliseconds(random.Next(0, 3)));
                    if (accepted) Interlocked.Increment(ref counters.ItemsSent);
                    next++;
                }
                catch (TimeoutException)
                {
                    Interlocked.Increment(ref counters.SendsCancelled);
                }
                if (random.Next(64) == 0) await Time.Sleep(TimeSpan.FromMilliseconds(1));
            }
        }
    }

    [PollAsync]
    public static async Future Consume(ChannelReceiver<long> receiver, int seed, SoakCounters counters)
    {
        var random = new Random(seed);
        while (true)
        {
            var result = await receiver.Receive();
            if (!result.HasValue) return; // every sender is gone
            Interlocked.Increment(ref counters.ItemsReceived);
            if (random.Next(256) == 0) await Time.Sleep(TimeSpan.FromMilliseconds(2)); // a slow consumer now and then
        }
    }

    [PollAsync]
    public static async Future Sleeper(int seed, SoakCounters counters, StopSignal stop)
    {
        var random = new Random(seed);
        while (!stop.IsSet)
        {
            int ms = random.Next(1, 25);
            long start = Stopwatch.GetTimestamp();
            await Time.Sleep(TimeSpan.FromMilliseconds(ms));
            // The runtime's clock is Stopwatch too, and a sleep's deadline is rounded up: never less than asked.
            if (Stopwatch.GetElapsedTime(start).TotalMilliseconds < ms) Interlocked.Increment(ref counters.EarlyWakes);
            Interlocked.Increment(ref counters.Sleeps);
        }
    }
}
