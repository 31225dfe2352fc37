using System.Runtime.CompilerServices;
using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Runtime.Tests.Sync;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// A spawn that meets an executor's Dispose either throws <see cref="ObjectDisposedException"/> or returns a handle
/// whose task that Dispose cancels, as a spawn just before it would be: no handle outlives the Dispose unfinished (a
/// join on one would wait forever). Tokio cancels a task spawned into a runtime that shuts down at once, too.
/// </summary>
public class SpawnDuringDisposeTests
{
    /// <summary>
    /// Pending; its first poll sets <paramref name="polled"/>, and its disposal (a cancelled task's cleanup) runs
    /// <paramref name="onDispose"/>.
    /// </summary>
    private sealed class PendingUntilDisposed(ManualResetEventSlim polled, Action onDispose) : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx)
        {
            polled.Set();
            return Poll<int>.Pending;
        }

        public void Dispose() => onDispose();
    }

    private static async Future<int> Forever()
    {
        await Time.Sleep(TimeSpan.FromDays(1));
        return 0;
    }

    /// <summary>Spawns on <paramref name="executor"/> and remembers the outcome: the handle, or the refusal.</summary>
    private sealed class LateSpawn(Func<IFuture<int>, JoinHandle<int>> spawn)
    {
        public JoinHandle<int>? Handle { get; private set; }
        public Exception? Refusal { get; private set; }

        public void Run()
        {
            try { Handle = spawn(Forever()); }
            catch (Exception e) { Refusal = e; }
        }
    }

    [Fact]
    public void LocalExecutor_refuses_a_spawn_from_a_cleanup_that_its_Dispose_runs()
    {
        var executor = new LocalExecutor();
        var late = new LateSpawn(executor.Spawn);
        using var polled = new ManualResetEventSlim();
        executor.Spawn(new PendingUntilDisposed(polled, late.Run));
        executor.BlockOn(new SelfWakingFuture(times: 1)); // polls the pending task once
        Assert.True(polled.IsSet);
        executor.Dispose();

        // It used to be added after Dispose took its snapshot of the tasks: never run, never cancelled.
        Assert.Null(late.Handle);
        Assert.IsType<ObjectDisposedException>(late.Refusal);
    }

    [Fact]
    public void WorkStealingExecutor_refuses_a_spawn_from_a_cleanup_that_its_Dispose_runs()
    {
        var executor = new WorkStealingExecutor(workerCount: 1);
        var late = new LateSpawn(executor.Spawn);
        using var polled = new ManualResetEventSlim();
        executor.Spawn(new PendingUntilDisposed(polled, late.Run));
        Assert.True(polled.Wait(SyncTestSupport.StallLimit));
        executor.Dispose();

        Assert.Null(late.Handle);
        Assert.IsType<ObjectDisposedException>(late.Refusal);
    }

    [Fact]
    public void Spawns_from_a_worker_racing_Dispose_are_refused_or_cancelled_by_it()
    {
        for (int round = 0; round < 20; round++)
        {
            var executor = new WorkStealingExecutor(workerCount: 2);
            var handles = new List<JoinHandle<int>>();
            var refusals = new StrongBox<int>();
            using var started = new ManualResetEventSlim();
            executor.Spawn(SpawnUntilRefused(executor, handles, refusals, started));
            Assert.True(started.Wait(SyncTestSupport.StallLimit));
            executor.Dispose();

            // A worker reads _shutdown without the lock, so a spawn may get in after Dispose set it: Dispose collects
            // the workers' tables only after their threads ended, and cancels it with the rest.
            Assert.NotEmpty(handles); // the first spawn precedes the signal
            Assert.All(handles, h => Assert.True(h.IsCompleted));
            Assert.InRange(refusals.Value, 0, 1);
        }
    }

    private static async Future<int> SpawnUntilRefused(WorkStealingExecutor executor, List<JoinHandle<int>> handles,
        StrongBox<int> refusals, ManualResetEventSlim started)
    {
        while (true)
        {
            JoinHandle<int> handle;
            try
            {
                handle = executor.Spawn(Forever());
            }
            catch (ObjectDisposedException)
            {
                refusals.Value++;
                return 0;
            }
            handles.Add(handle); // only this task adds, and Dispose reads after the workers ended
            started.Set();
            await Future.Yield();
        }
    }
}
