namespace AsyncGen.Benchmarks;

// spawn_join for benchmarks/Compare: AsyncGen.Benchmarks' SpawnAll (spawn 100k trivial tasks from inside a task,
// then await every JoinHandle) on either executor, as tokio's side does; .NET: the same class's Task.Run + WhenAll.
public partial class SpawnJoinBenchmarks
{
    /// <summary>Tasks spawned per iteration.</summary>
    internal const int CompareTasks = Tasks;

    /// <summary>The work-stealing executor (2 workers) the whole Compare process shares, so it starts only one.</summary>
    internal static WorkStealingExecutor SharedWorkStealing => s_workStealing;

    internal static long RunAsyncGen(LocalExecutor executor) => executor.BlockOn(SpawnAll());

    internal static long RunAsyncGen(WorkStealingExecutor executor) => executor.BlockOn(SpawnAll());

    /// <summary>
    /// spawn_join_kept: SpawnAll as it was until 2026-11-28, awaiting every handle but keeping all of them in the
    /// array until the iteration ends. AsyncGen only (tokio frees a task when its handle is dropped, whatever the Vec
    /// does): what a GC pays for joined tasks that stay reachable (benchmarks/README.md, "spawn_join and the GC").
    /// </summary>
    internal static long RunAsyncGenKeepingHandles(LocalExecutor executor) => executor.BlockOn(SpawnAllKeepingHandles());

    internal static long RunAsyncGenKeepingHandles(WorkStealingExecutor executor) => executor.BlockOn(SpawnAllKeepingHandles());

    [PollAsync]
    private static async Future<long> SpawnAllKeepingHandles()
    {
        var handles = new JoinHandle<int>[Tasks];
        for (int i = 0; i < Tasks; i++) handles[i] = Executor.Spawn(Trivial(i));
        long sum = 0;
        foreach (var handle in handles) sum += await handle;
        return sum;
    }

    internal static long RunDotNet() => new SpawnJoinBenchmarks().DotNetTasks().GetAwaiter().GetResult();
}
