using BenchmarkDotNet.Attributes;

namespace AsyncGen.Benchmarks;

/// <summary>nested_await: a chain of 10 async calls whose leaf suspends once; bytes per call chain.</summary>
[MemoryDiagnoser]
public partial class NestedAwaitBenchmarks
{
    private readonly LocalExecutor _executor = new();

    [PollAsync]
    private static async Future<int> Chain(int depth)
    {
        if (depth == 0)
        {
            await Future.Yield();
            return 1;
        }
        return await Chain(depth - 1) + 1;
    }

    private static async Task<int> ChainTask(int depth)
    {
        if (depth == 0)
        {
            await Task.Yield();
            return 1;
        }
        return await ChainTask(depth - 1) + 1;
    }

    [Benchmark(Description = "AsyncGen depth 10")]
    public int AsyncGen() => _executor.BlockOn(Chain(10));

    [Benchmark(Baseline = true, Description = ".NET async Task depth 10")]
    public int DotNet() => ChainTask(10).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _executor.Dispose();
}
