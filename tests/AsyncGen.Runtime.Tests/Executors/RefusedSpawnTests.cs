using System.Runtime.CompilerServices;
using AsyncGen.Runtime.Tests.Sync;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// A spawn that an executor refuses (it was disposed, or a LocalExecutor runs on another thread) leaves the box it
/// was given unspawned: the caller who catches the exception can spawn it on another executor, poll it, or dispose
/// it (which cancels the machine instead of aborting a task that no executor holds). The box used to be claimed before
/// the refusal, so it counted as spawned: a second spawn threw "already spawned" and a dispose went looking for a
/// scheduler it never had.
/// </summary>
public class RefusedSpawnTests
{
    /// <summary>Ready with its value at the first poll; counts its disposals.</summary>
    private struct Answer(int value, StrongBox<int> disposals) : IFuture<int>
    {
        public readonly Poll<int> Poll(ref Context cx) => Poll<int>.Ready(value);

        public readonly void Dispose() => disposals.Value++;
    }

    private static Future<int> Box(StrongBox<int> disposals) => Future.Box<Answer, int>(new Answer(42, disposals));

    private static WorkStealingExecutor DisposedWorkStealing()
    {
        var executor = new WorkStealingExecutor(workerCount: 1);
        executor.Dispose();
        return executor;
    }

    private static LocalExecutor DisposedLocal()
    {
        var executor = new LocalExecutor();
        executor.Dispose();
        return executor;
    }

    [Fact]
    public void A_box_refused_by_a_disposed_WorkStealingExecutor_runs_on_another_executor()
    {
        var disposals = new StrongBox<int>();
        var box = Box(disposals);
        Assert.Throws<ObjectDisposedException>(() => DisposedWorkStealing().Spawn(box));
        using var other = new WorkStealingExecutor(workerCount: 1);
        Assert.Equal(42, other.BlockOn(box, SyncTestSupport.StallLimit));
    }

    [Fact]
    public void A_box_refused_by_a_disposed_WorkStealingExecutor_disposes_its_machine_once()
    {
        var disposals = new StrongBox<int>();
        var box = Box(disposals);
        Assert.Throws<ObjectDisposedException>(() => DisposedWorkStealing().Spawn(box));
        box.Dispose();
        box.Dispose();
        Assert.Equal(1, disposals.Value);
    }

    [Fact]
    public void A_box_refused_by_a_disposed_WorkStealingExecutor_can_be_polled_by_hand()
    {
        var box = Box(new StrongBox<int>());
        Assert.Throws<ObjectDisposedException>(() => DisposedWorkStealing().Spawn(box));
        var cx = new Context(Waker.Noop);
        var poll = box.Poll(ref cx);
        Assert.True(poll.IsReady);
        Assert.Equal(42, poll.Value);
    }

    [Fact]
    public void A_box_refused_by_a_disposed_LocalExecutor_runs_on_another_executor_or_disposes_its_machine()
    {
        var disposals = new StrongBox<int>();
        var box = Box(disposals);
        Assert.Throws<ObjectDisposedException>(() => DisposedLocal().Spawn(box));
        using (var other = new LocalExecutor()) Assert.Equal(42, other.BlockOn(box));

        var second = Box(disposals);
        Assert.Throws<ObjectDisposedException>(() => DisposedLocal().Spawn(second));
        second.Dispose();
        Assert.Equal(1, disposals.Value);
    }

    [Fact]
    public async Task A_box_refused_by_a_LocalExecutor_running_on_another_thread_runs_on_another_executor()
    {
        using var running = new LocalExecutor();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var started = new ManualResetEventSlim();
        var runner = Task.Factory.StartNew(() =>
        {
            // BlockOn holds the executor on this thread until the test releases it.
            running.BlockOn(Started(started, release.Task), SyncTestSupport.StallLimit);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(started.Wait(SyncTestSupport.StallLimit));

        var disposals = new StrongBox<int>();
        var box = Box(disposals);
        var refused = Assert.Throws<InvalidOperationException>(() => running.Spawn(box));
        Assert.Contains("another thread while the executor runs", refused.Message);
        using (var other = new LocalExecutor()) Assert.Equal(42, other.BlockOn(box));

        release.SetResult();
        await runner.WaitAsync(SyncTestSupport.StallLimit);
        Assert.Equal(0, disposals.Value);
    }

    private static async Future<int> Started(ManualResetEventSlim started, Task release)
    {
        started.Set();
        await release;
        return 0;
    }
}
