using AsyncGen.Sync;
using BenchmarkDotNet.Attributes;

namespace AsyncGen.Benchmarks;

/// <summary>ping_pong: two tasks bounce a message through a pair of bounded channels.</summary>
[MemoryDiagnoser]
public partial class PingPongBenchmarks
{
    private const int RoundTrips = 100_000;

    [PollAsync]
    private static async Future<int> Ponger(ChannelReceiver<int> pings, ChannelSender<int> pongs)
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

    [PollAsync]
    private static async Future<int> Pinger(ChannelSender<int> pings, ChannelReceiver<int> pongs)
    {
        int last = 0;
        for (int i = 0; i < RoundTrips; i++)
        {
            await pings.Send(i);
            last = (await pongs.Receive()).Value;
        }
        pings.Close();
        return last;
    }

    [Benchmark(OperationsPerInvoke = RoundTrips, Description = "AsyncGen channels, LocalExecutor")]
    public void AsyncGenLocal()
    {
        var (pings, pingInbox) = AsyncChannel.Bounded<int>(1);
        var (pongs, pongInbox) = AsyncChannel.Bounded<int>(1);
        using var executor = new LocalExecutor();
        executor.Spawn(Ponger(pingInbox, pongs));
        executor.Spawn(Pinger(pings, pongInbox));
        executor.Run();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RoundTrips, Description = ".NET System.Threading.Channels")]
    public async Task DotNet()
    {
        var pings = System.Threading.Channels.Channel.CreateBounded<int>(1);
        var pongs = System.Threading.Channels.Channel.CreateBounded<int>(1);
        var ponger = Task.Run(async () =>
        {
            await foreach (var ping in pings.Reader.ReadAllAsync()) await pongs.Writer.WriteAsync(ping + 1);
        });
        for (int i = 0; i < RoundTrips; i++)
        {
            await pings.Writer.WriteAsync(i);
            await pongs.Reader.ReadAsync();
        }
        pings.Writer.Complete();
        await ponger;
    }
}
