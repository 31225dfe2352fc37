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

    internal static long RunDotNet() => new SpawnJoinBenchmarks().DotNetTasks().GetAwaiter().GetResult();
}
