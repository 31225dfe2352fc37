using BenchmarkDotNet.Attributes;

namespace AsyncGen.Benchmarks;

/// <summary>yield_many: one task yields to its executor over and over.</summary>
[MemoryDiagnoser]
public partial class YieldBenchmarks
{
    private const int Yields = 1_000_000;

    [PollAsync]
    private static async Future<int> YieldMany()
    {
        for (int i = 0; i < Yields; i++) await Future.Yield();
        return Yields;
    }

    private static async Task<int> YieldManyTask()
    {
        for (int i = 0; i < Yields; i++) await Task.Yield();
        return Yields;
    }

    [Benchmark(OperationsPerInvoke = Yields, Description = "AsyncGen Future.Yield")]
    public int AsyncGen() => Executor.BlockOn(YieldMany());

    [Benchmark(Baseline = true, OperationsPerInvoke = Yields, Description = ".NET Task.Yield")]
    public int DotNet() => YieldManyTask().GetAwaiter().GetResult();
}
