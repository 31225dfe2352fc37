using AsyncGen.Sync;

namespace AsyncGen.Benchmarks;

// ping_pong (bounded channel) for benchmarks/Compare: AsyncGen.Benchmarks' Pinger and Ponger over two channels of
// capacity 1, the ponger spawned from the task that runs the pinger, so it works on either executor.
public partial class PingPongBenchmarks
{
    /// <summary>Round trips per iteration.</summary>
    internal const int CompareRoundTrips = RoundTrips;

    [PollAsync]
    private static async Future<int> PingPong()
    {
        var (pings, pingInbox) = AsyncChannel.Bounded<int>(1);
        var (pongs, pongInbox) = AsyncChannel.Bounded<int>(1);
        var ponger = Executor.Spawn(Ponger(pingInbox, pongs));
        int last = await Pinger(pings, pongInbox);
        await ponger;
        return last;
    }

    internal static long RunAsyncGen(LocalExecutor executor) => executor.BlockOn(PingPong());

    internal static long RunAsyncGen(WorkStealingExecutor executor) => executor.BlockOn(PingPong());

    internal static void RunDotNet() => new PingPongBenchmarks().DotNet().GetAwaiter().GetResult();
}
