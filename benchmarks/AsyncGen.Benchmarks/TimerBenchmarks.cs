using BenchmarkDotNet.Attributes;

namespace AsyncGen.Benchmarks;

/// <summary>timers: many concurrent sleeps of 1–20 ms; wall time and bytes per timer.</summary>
[MemoryDiagnoser]
public partial class TimerBenchmarks
{
    private const int Timers = 10_000;

    [Benchmark(OperationsPerInvoke = Timers, Description = "AsyncGen Time.Sleep")]
    public void AsyncGen()
    {
        using var executor = new LocalExecutor();
        for (int i = 0; i < Timers; i++) executor.Spawn(Time.Sleep(TimeSpan.FromMilliseconds(1 + i % 20)));
        executor.Run();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Timers, Description = ".NET Task.Delay")]
    public Task DotNet()
    {
        var delays = new Task[Timers];
        for (int i = 0; i < Timers; i++) delays[i] = Task.Delay(1 + i % 20);
        return Task.WhenAll(delays);
    }
}
