using BenchmarkDotNet.Attributes;

namespace AsyncGen.Benchmarks;

/// <summary>nested_await: a chain of 10 async calls whose leaf suspends once; bytes per call chain.</summary>
[MemoryDiagnoser]
public partial class NestedAwaitBenchmarks
{
    private readonly LocalExecutor _executor = new();

    // Ten distinct methods, as a call tree usually is (and as Rust writes it: recursion there needs a Box per level):
    // each level's machine is embedded by value in its caller's, so a whole chain is one struct and allocates nothing.
    [PollAsync]
    private static async Future<int> Level0()
    {
        await Future.Yield();
        return 1;
    }

    [PollAsync] private static async Future<int> Level1() => await Level0() + 1;
    [PollAsync] private static async Future<int> Level2() => await Level1() + 1;
    [PollAsync] private static async Future<int> Level3() => await Level2() + 1;
    [PollAsync] private static async Future<int> Level4() => await Level3() + 1;
    [PollAsync] private static async Future<int> Level5() => await Level4() + 1;
    [PollAsync] private static async Future<int> Level6() => await Level5() + 1;
    [PollAsync] private static async Future<int> Level7() => await Level6() + 1;
    [PollAsync] private static async Future<int> Level8() => await Level7() + 1;
    [PollAsync] private static async Future<int> Level9() => await Level8() + 1;
    [PollAsync] private static async Future<int> Level10() => await Level9() + 1;

    // The same depth through recursion: a machine cannot contain itself, so each recursive call is boxed once.
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
    public int AsyncGen() => _executor.BlockOn(Level10());

    [Benchmark(Description = "AsyncGen depth 10, recursive (a box per level)")]
    public int AsyncGenRecursive() => _executor.BlockOn(Chain(10));

    [Benchmark(Baseline = true, Description = ".NET async Task depth 10")]
    public int DotNet() => ChainTask(10).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _executor.Dispose();
}
