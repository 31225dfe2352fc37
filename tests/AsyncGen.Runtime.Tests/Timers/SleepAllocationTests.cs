namespace AsyncGen.Runtime.Tests.Timers;

/// <summary>Issue 14: a sleep inside a running task allocates nothing.</summary>
public class SleepAllocationTests
{
    [Fact]
    public void Sleeps_awaited_inside_a_running_task_allocate_nothing()
    {
        using var executor = new LocalExecutor();
        executor.Spawn(Future.Box<SleepLoop, int>(new SleepLoop(3)));
        executor.Run(); // warm up: JIT, the wheel's slab, the ready queue

        var box = Future.Box<SleepLoop, int>(new SleepLoop(5));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var handle = executor.Spawn(box);
        executor.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var cx = new Context(Waker.Noop);
        Assert.Equal(5, handle.Poll(ref cx).Value);
        Assert.Equal(0, allocated);
    }

    /// <summary>A hand-written machine that awaits <c>Time.Sleep(1 ms)</c> <c>count</c> times, the sleep embedded by value.</summary>
    private struct SleepLoop(int count) : IFuture<int>
    {
        private SleepFuture _sleep;
        private bool _sleeping;
        private int _done;

        public Poll<int> Poll(ref Context cx)
        {
            while (_done < count)
            {
                if (!_sleeping)
                {
                    _sleep = Time.Sleep(TimeSpan.FromMilliseconds(1));
                    _sleeping = true;
                }
                if (_sleep.Poll(ref cx).IsPending) return Poll<int>.Pending;
                _sleeping = false;
                _done++;
            }
            return Poll<int>.Ready(_done);
        }

        public void Dispose()
        {
            if (_sleeping) _sleep.Dispose();
        }
    }
}
