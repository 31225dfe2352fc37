using AsyncGen.Executors.WorkStealing;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Tests.Tasks;

/// <summary>
/// What a task's waker reads as from outside its poll: dumps and stall reports ask for it on other threads, over tasks
/// that may have completed (review findings 8 and 12).
/// </summary>
public class CompletedTaskWakerTests
{
    private readonly struct Done : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx) => Poll<Unit>.Ready(default);

        public void Dispose() { }
    }

    private readonly struct Forever : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx) => Poll<Unit>.Pending;

        public void Dispose() { }
    }

    [Fact]
    public void A_completed_task_whose_slot_was_reused_has_a_no_op_waker_not_the_new_task_s()
    {
        using var executor = new LocalExecutor();
        var first = (ITaskCell)executor.Spawn(Future.Box<Done, Unit>(default)).AsFuture();
        var live = first.Waker;
        Assert.False(live.IsNoop);
        executor.Run();
        Assert.True(first.IsComplete);

        var second = (ITaskCell)executor.Spawn(Future.Box<Forever, Unit>(default)).AsFuture();
        Assert.Equal(live.Slot, second.Waker.Slot); // the freed slot was reused

        Assert.True(first.Waker.IsNoop);
        Assert.False(first.Waker.WillWake(second.Waker));
        Assert.False(second.Waker.IsNoop);
    }

    [Fact]
    public void A_dump_leaves_out_a_task_that_completed_and_gave_its_slot_away_after_it_was_listed()
    {
        // WorkStealingExecutor.DumpTasks describes the tasks after releasing its lock: one may complete meanwhile.
        using var executor = new LocalExecutor();
        var first = (ITaskCell)executor.Spawn(Future.Box<Done, Unit>(default)).AsFuture();
        Assert.NotNull(AsyncGen.Diagnostics.TaskSnapshot.Of(first, nowMs: 0));
        executor.Run();
        var second = (ITaskCell)executor.Spawn(Future.Box<Forever, Unit>(default)).AsFuture();

        Assert.Null(AsyncGen.Diagnostics.TaskSnapshot.Of(first, nowMs: 0)); // not "#0" with the new task's stamps
        Assert.Equal(second.Id, AsyncGen.Diagnostics.TaskSnapshot.Of(second, nowMs: 0)!.Id);
        Assert.Equal(second.Id, Assert.Single(executor.DumpTasks()).Id);
    }

    /// <summary>A task cell that counts the reads of its waker and is otherwise inert.</summary>
    private sealed class CountingCell : ITaskCell
    {
        public int WakerReads;
        public volatile bool Ran;
        public Waker Waker
        {
            get
            {
                Interlocked.Increment(ref WakerReads);
                return default;
            }
        }
        public bool IsComplete => Ran;
        public string Name => "counting";
        public int PollCount => 0;
        public void Bind(Waker waker) { }
        public void Wake() { }
        public void Run() => Ran = true;
        public void Cancel() { }
        public void Abort() { }
        public long Id => 1;
        public TaskState State => TaskState.Idle;
        public long LastPollMs => 0;
        public long LastWakeMs => 0;
        public void CollectOwnFrames(List<AsyncGen.Diagnostics.AsyncFrame> frames) { }
    }

    /// <summary>Schedules <paramref name="cell"/> from a worker's poll (a same-worker schedule, no yield before it).</summary>
    private sealed class ScheduleFromWorker(WorkStealingExecutor executor, ITaskCell cell) : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx)
        {
            ((ITaskScheduler)executor).Schedule(cell);
            return Poll<int>.Ready(0);
        }
    }

    [Fact]
    public void A_same_worker_schedule_without_a_yield_hint_does_not_read_the_task_s_waker()
    {
        using var executor = new WorkStealingExecutor(workerCount: 1);
        var cell = new CountingCell();
        executor.BlockOn(new ScheduleFromWorker(executor, cell), TimeSpan.FromSeconds(30));
        SpinWait.SpinUntil(() => cell.Ran, TimeSpan.FromSeconds(30));

        Assert.True(cell.Ran);
        Assert.Equal(0, Volatile.Read(ref cell.WakerReads));
    }
}
