namespace AsyncGen.Benchmarks;

// yield_many for benchmarks/Compare: AsyncGen.Benchmarks' 1M-yield task on either executor (reused, not one new
// LocalExecutor per run); .NET: the same class's Task.Yield loop.
public partial class YieldBenchmarks
{
    /// <summary>Yields per iteration.</summary>
    internal const int CompareYields = Yields;

    internal static long RunAsyncGen(LocalExecutor executor) => executor.BlockOn(YieldMany());

    internal static long RunAsyncGen(WorkStealingExecutor executor) => executor.BlockOn(YieldMany());

    internal static long RunDotNet() => new YieldBenchmarks().DotNet();
}
