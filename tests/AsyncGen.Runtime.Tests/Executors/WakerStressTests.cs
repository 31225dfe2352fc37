using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>The task state word under fire: wakes from many threads against tasks that re-register every poll.</summary>
public class WakerStressTests
{
    private const int Threads = 8;
    private const int WakesPerThread = 100_000;
    private const int Tasks = 4;

    /// <summary>Publishes its waker on every poll and completes once the wakers are done; flags overlapping polls.</summary>
    private sealed class ReRegisteringFuture : IFuture<int>
    {
        private readonly object _lock = new();
        private Waker _waker;
        private bool _hasWaker;
        private int _inPoll;

        public volatile bool WakersDone;
        public int Polls;
        public int ConcurrentPolls;

        public Poll<int> Poll(ref Context cx)
        {
            if (Interlocked.Exchange(ref _inPoll, 1) != 0) Interlocked.Increment(ref ConcurrentPolls);
            Polls++;
            lock (_lock)
            {
                _waker = cx.Waker;
                _hasWaker = true;
            }
            bool done = WakersDone; // read after publishing the waker: a later final wake cannot be missed
            Volatile.Write(ref _inPoll, 0);
            return done ? Poll<int>.Ready(Polls) : Poll<int>.Pending;
        }

        public bool TryWake()
        {
            Waker waker;
            lock (_lock)
            {
                if (!_hasWaker) return false;
                waker = _waker;
            }
            waker.Wake();
            return true;
        }
    }

    private static async Future<int> JoinAll(JoinHandle<int>[] handles)
    {
        int polls = 0;
        foreach (var handle in handles) polls += await handle;
        return polls;
    }

    [Fact]
    public void Eight_threads_waking_re_registering_tasks_lose_no_wake_and_never_poll_concurrently()
    {
        var futures = Enumerable.Range(0, Tasks).Select(_ => new ReRegisteringFuture()).ToArray();
        using var executor = new LocalExecutor();
        var handles = futures.Select(f => executor.Spawn(f)).ToArray();

        var wakers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < WakesPerThread; i++)
            {
                var target = futures[(t + i) % Tasks];
                while (!target.TryWake()) Thread.Yield();
            }
        })).ToArray();
        var finisher = new Thread(() =>
        {
            foreach (var thread in wakers) thread.Join();
            foreach (var future in futures)
            {
                future.WakersDone = true;
                future.TryWake(); // the one wake that must not be lost
            }
        });
        foreach (var thread in wakers) thread.Start();
        finisher.Start();

        int polls = executor.BlockOn(JoinAll(handles), TimeSpan.FromMinutes(2));
        finisher.Join();

        Assert.All(handles, h => Assert.True(h.IsCompleted));
        Assert.All(futures, f => Assert.Equal(0, f.ConcurrentPolls));
        Assert.InRange(polls, Tasks * 2, Tasks + Threads * WakesPerThread + Tasks);
    }

    [Fact]
    public void Wakes_from_a_task_running_on_the_executor_coalesce_while_it_is_queued()
    {
        var counter = new SelfWakingFuture(times: 3);
        Assert.Equal(4, Executor.BlockOn(counter));
        Assert.Equal(4, counter.Polls);
    }
}
