namespace AsyncGen.Benchmarks;

// nested_await for benchmarks/Compare: AsyncGen.Benchmarks' depth-10 chain of ten distinct methods (the leaf yields
// once; tokio's is ten distinct async fns too), awaited
// CompareChains times in a row inside one task, so the figure is per chain, without a BlockOn per chain.
public partial class NestedAwaitBenchmarks
{
    /// <summary>Chains awaited per iteration.</summary>
    internal const int CompareChains = 20_000;

    /// <summary>Depth of each chain, as in the BenchmarkDotNet benchmark.</summary>
    private const int CompareDepth = 10;

    [PollAsync]
    private static async Future<long> Chains(int count)
    {
        long sum = 0;
        for (int i = 0; i < count; i++) sum += await Level10();
        return sum;
    }

    private static async Task<long> ChainsTask(int count)
    {
        long sum = 0;
        for (int i = 0; i < count; i++) sum += await ChainTask(CompareDepth);
        return sum;
    }

    internal static long RunAsyncGen(LocalExecutor executor) => executor.BlockOn(Chains(CompareChains));

    internal static long RunAsyncGen(WorkStealingExecutor executor) => executor.BlockOn(Chains(CompareChains));

    internal static long RunDotNet() => Task.Run(() => ChainsTask(CompareChains)).GetAwaiter().GetResult();
}
