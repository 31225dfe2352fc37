using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Tests.Tasks;

public class WakerTableTests
{
    private sealed class RecordingTask : ITaskCell
    {
        public int Wakes;
        public Waker Waker { get; private set; }
        public bool IsComplete => false;
        public string Name => "recording";
        public int PollCount => 0;
        public void Bind(Waker waker) => Waker = waker;
        public void Wake() => Wakes++;
        public void Run() { }
        public void Cancel() { }
        private static long s_ids;
        public long Id { get; } = Interlocked.Increment(ref s_ids);
        public TaskState State => TaskState.Idle;
        public long LastPollMs => 0;
        public long LastWakeMs => 0;
        public void CollectOwnFrames(List<AsyncGen.Diagnostics.AsyncFrame> frames) { }
    }

    private sealed class NoScheduler : ITaskScheduler
    {
        public void Schedule(ITaskCell task) => throw new InvalidOperationException("recording tasks are never scheduled");
        public void Release(ITaskCell task) { }
        public AsyncGen.Diagnostics.ExecutorMetrics Metrics { get; } = new("test", threads: 1, () => 0, () => 0, _ => 0);
    }

    [Fact]
    public void A_waker_wakes_its_task()
    {
        var table = new WakerTable(new NoScheduler());
        var task = new RecordingTask();
        table.Add(task);
        task.Waker.Wake();
        task.Waker.Wake();
        Assert.Equal(2, task.Wakes);
    }

    [Fact]
    public void A_stale_waker_does_not_wake_the_task_that_reuses_its_slot()
    {
        var table = new WakerTable(new NoScheduler());
        var first = new RecordingTask();
        table.Add(first);
        var stale = first.Waker;
        table.Remove(first);

        var second = new RecordingTask();
        table.Add(second);
        stale.Wake();

        Assert.Equal(0, first.Wakes);
        Assert.Equal(0, second.Wakes);
        Assert.False(stale.WillWake(second.Waker));
    }

    [Fact]
    public void Slots_grow_beyond_the_initial_capacity_and_are_reused()
    {
        var table = new WakerTable(new NoScheduler());
        var tasks = Enumerable.Range(0, 1000).Select(_ => new RecordingTask()).ToArray();
        foreach (var task in tasks) table.Add(task);
        foreach (var task in tasks) task.Waker.Wake();
        Assert.All(tasks, t => Assert.Equal(1, t.Wakes));
        foreach (var task in tasks) table.Remove(task);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Copies_of_a_waker_are_equal_and_the_noop_waker_does_nothing()
    {
        var table = new WakerTable(new NoScheduler());
        var task = new RecordingTask();
        table.Add(task);
        Waker copy = task.Waker;
        Assert.True(copy.WillWake(task.Waker));
        Assert.True(Waker.Noop.IsNoop);
        Waker.Noop.Wake();
        Assert.Equal(0, task.Wakes);
    }
}
