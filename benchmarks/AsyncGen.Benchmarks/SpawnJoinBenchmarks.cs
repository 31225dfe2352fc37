using BenchmarkDotNet.Attributes;

namespace AsyncGen.Benchmarks;

/// <summary>spawn_join: spawn many trivial tasks, then wait for all of them.</summary>
[MemoryDiagnoser]
public partial class SpawnJoinBenchmarks
{
    private const int Tasks = 100_000;

    [PollAsync]
    private static async Future<int> Trivial(int i)
    {
        await Future.Yield();
        return i;
    }

    private static async Task<int> TrivialTask(int i)
    {
        await Task.Yield();
        return i;
    }

    [Benchmark(OperationsPerInvoke = Tasks, Description = "AsyncGen LocalExecutor")]
    public void AsyncGenLocal()
    {
        using var executor = new LocalExecutor();
        for (int i = 0; i < Tasks; i++) executor.Spawn(Trivial(i));
        executor.Run();
    }

    [Benchmark(OperationsPerInvoke = Tasks, Description = "AsyncGen WorkStealingExecutor (2 workers)")]
    public long AsyncGenWorkStealing() => s_workStealing.BlockOn(SpawnAll());

    private static readonly WorkStealingExecutor s_workStealing = new(workerCount: 2);

    // Lets go of each handle once joined, as tokio's `for handle in handles` does (it moves each JoinHandle out of
    // the Vec and drops it after its await). A handle left in the array keeps its task's cell alive as long as the
    // array, and an array of more than 10,625 handles (85,000 bytes) is a large object, which only a gen2 collection
    // frees: with the default (concurrent) GC every cell was then copied into gen1 and gen2 first, 100 ns a task
    // (benchmarks/README.md, "spawn_join and the GC"; Compare's spawn_join_kept keeps them).
    [PollAsync]
    private static async Future<long> SpawnAll()
    {
        var handles = new JoinHandle<int>[Tasks];
        for (int i = 0; i < Tasks; i++) handles[i] = Executor.Spawn(Trivial(i));
        long sum = 0;
        for (int i = 0; i < Tasks; i++)
        {
            sum += await handles[i];
            handles[i] = default;
        }
        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Tasks, Description = ".NET Task.Run + WhenAll")]
    public async Task<int> DotNetTasks()
    {
        var tasks = new Task<int>[Tasks];
        for (int i = 0; i < Tasks; i++)
        {
            int n = i;
            tasks[i] = Task.Run(() => TrivialTask(n));
        }
        var results = await Task.WhenAll(tasks);
        return results.Length;
    }
}
