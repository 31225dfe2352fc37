using System.Runtime.CompilerServices;
using AsyncGen.Runtime.Tests.Sync;

namespace AsyncGen.Runtime.Tests.Combinators;

public class TaskInteropTests
{
    /// <summary>Registers on a Task that is still incomplete, then has a thread-pool thread complete it.</summary>
    private sealed class CompletedOnThreadPool : IFuture<(int CompletedOn, int PolledOn)>
    {
        private readonly TaskCompletionSource<int> _source = new(); // synchronous continuations: the wake runs on the pool thread
        private ValueTaskFuture<int> _inner;
        private bool _started;

        public CompletedOnThreadPool() => _inner = _source.Task.AsFuture();

        public Poll<(int CompletedOn, int PolledOn)> Poll(ref Context cx)
        {
            var poll = _inner.Poll(ref cx);
            if (!_started)
            {
                Assert.True(poll.IsPending);
                _started = true;
                ThreadPool.UnsafeQueueUserWorkItem(source => source.SetResult(Environment.CurrentManagedThreadId), _source, preferLocal: false);
                return Poll<(int, int)>.Pending;
            }
            return poll.IsReady ? Poll<(int, int)>.Ready((poll.Value, Environment.CurrentManagedThreadId)) : Poll<(int, int)>.Pending;
        }
    }

    [Fact]
    public void A_Task_completed_on_a_thread_pool_thread_wakes_the_future_on_the_LocalExecutor()
    {
        var (completedOn, polledOn) = Executor.BlockOn(new CompletedOnThreadPool(), SyncTestSupport.StallLimit);
        Assert.NotEqual(polledOn, completedOn);
        Assert.Equal(Environment.CurrentManagedThreadId, polledOn);
    }

    private static async Future<int> AwaitsEveryKind()
    {
        int a = await Task.Run(() => 1);
        await Task.Delay(1);
        int b = await new ValueTask<int>(Task.Run(() => 2));
        await new ValueTask(Task.Delay(1));
        int c = await Task.FromResult(3).AsFuture();
        return a + b + c;
    }

    [Fact]
    public void Async_future_methods_await_Task_and_ValueTask_directly_and_through_AsFuture()
    {
        Assert.Equal(6, Executor.BlockOn(AwaitsEveryKind(), SyncTestSupport.StallLimit));
    }

    [Fact]
    public void A_faulted_Task_rethrows_its_exception_unchanged_from_the_future()
    {
        var error = new InvalidDataException("task failed");
        var future = Task.Run(() => throw error).AsFuture();
        Assert.Same(error, Assert.Throws<InvalidDataException>(() => Executor.BlockOn(future, SyncTestSupport.StallLimit)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDeep(Exception error) => throw error;

    private static async Future<int> FailsAfterAwait(Exception error)
    {
        await Future.Yield();
        ThrowDeep(error);
        return 0;
    }

    [Fact]
    public async Task AsTask_of_a_faulted_future_faults_the_Task_with_the_same_exception()
    {
        var error = new InvalidDataException("future failed");
        var task = FailsAfterAwait(error).AsTask();
        var thrown = await Assert.ThrowsAsync<InvalidDataException>(() => task);
        Assert.Same(error, thrown);
        Assert.Contains(nameof(ThrowDeep), thrown.StackTrace);
    }

    private static async Future<int> Add(int a, int b)
    {
        await Future.Yield();
        return a + b;
    }

    [Fact]
    public async Task AsTask_outside_an_executor_runs_the_future_to_its_result()
    {
        Assert.Equal(5, await Add(2, 3).AsTask());
    }

    [Fact]
    public async Task SpawnAsTask_completes_when_the_executor_runs_the_future()
    {
        using var executor = new LocalExecutor();
        var sum = executor.SpawnAsTask(Add(20, 22));
        var failed = executor.SpawnAsTask(FailsAfterAwait(new InvalidDataException("x")));
        Assert.False(sum.IsCompleted);
        executor.Run();
        Assert.Equal(42, await sum);
        await Assert.ThrowsAsync<InvalidDataException>(() => failed);
    }

    [Fact]
    public async Task SpawnAsTask_on_the_work_stealing_executor_completes_from_a_worker_thread()
    {
        using var executor = new WorkStealingExecutor(workerCount: 2);
        Assert.Equal(9, await executor.SpawnAsTask(Add(4, 5)));
    }

    private static async Future<int> AsTaskInsideATask()
    {
        var inner = Add(1, 1).AsTask(); // spawned on this executor, not on a new thread
        return await inner;
    }

    [Fact]
    public void AsTask_inside_a_task_spawns_on_the_current_executor()
    {
        Assert.Equal(2, Executor.BlockOn(AsTaskInsideATask(), SyncTestSupport.StallLimit));
    }

    [Fact]
    public async Task Disposing_the_executor_cancels_the_Task_of_a_pending_future()
    {
        var never = new TaskCompletionSource<int>().Task.AsFuture();
        Task<int> task;
        using (var executor = new LocalExecutor())
        {
            task = executor.SpawnAsTask(never);
        }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }
}
