using System.Runtime.CompilerServices;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// An executor lets go of a task once it completed (its waker-table slot and queue entries are cleared), so a joined
/// task whose handle the caller let go of dies in the next collection. A reference left behind (a ring entry, a slot)
/// would keep every finished task's cell alive until the entry is overwritten, and the GC would copy each of them
/// into older generations, as a kept array of join handles did in spawn_join (benchmarks/README.md, "spawn_join and
/// the GC").
/// </summary>
public class CompletedTaskRetentionTests
{
    // More than a ring's and a waker-table page's 256 entries, so growth and a second page are covered too.
    private const int Tasks = 600;

    [Fact]
    public void LocalExecutor_keeps_no_reference_to_joined_tasks()
    {
        using var executor = new LocalExecutor();
        var spawned = SpawnAndJoin(main => executor.BlockOn(main));

        AssertAllCollected(spawned);
        Assert.Equal(0, executor.TaskCount);
        GC.KeepAlive(executor);
    }

    [Fact]
    public void WorkStealingExecutor_keeps_no_reference_to_joined_tasks()
    {
        using var executor = new WorkStealingExecutor(workerCount: 2);
        var spawned = SpawnAndJoin(main => executor.BlockOn(main));

        AssertAllCollected(spawned);
        GC.KeepAlive(executor);
    }

    // Not inlined: the caller's frame must hold no reference to a cell when it collects.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] SpawnAndJoin(Action<Future<Unit>> blockOn)
    {
        var state = new JoinState();
        blockOn(Future.Box<SpawnAndJoinAll, Unit>(new SpawnAndJoinAll(state)));
        Assert.Equal(Tasks, state.Joined);
        return state.Cells;
    }

    private static void AssertAllCollected(WeakReference[] cells)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.All(cells, cell => Assert.False(cell.IsAlive, "a joined task whose handle was let go is still reachable"));
    }

    private sealed class JoinState
    {
        public readonly WeakReference[] Cells = new WeakReference[Tasks];
        public readonly JoinHandle<Unit>[] Handles = new JoinHandle<Unit>[Tasks];
        public bool Spawned;
        public int Joined;
    }

    /// <summary>
    /// Spawns <see cref="Tasks"/> tasks that yield once (each goes through the ready queue twice), then joins them in
    /// order, letting go of each handle once it gave its result.
    /// </summary>
    private readonly struct SpawnAndJoinAll(JoinState state) : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx)
        {
            if (!state.Spawned)
            {
                state.Spawned = true;
                for (int i = 0; i < Tasks; i++)
                {
                    var cell = Future.Box<YieldFuture, Unit>(default);
                    state.Cells[i] = new WeakReference(cell);
                    state.Handles[i] = Executor.Spawn(cell);
                }
            }
            while (state.Joined < Tasks)
            {
                if (state.Handles[state.Joined].Poll(ref cx).IsPending) return Poll<Unit>.Pending;
                state.Handles[state.Joined++] = default;
            }
            return Poll<Unit>.Ready(default);
        }

        public void Dispose() { }
    }
}
