using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Tasks;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Diagnostics;

public class StallDiagnosisTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void A_sleeping_task_is_reported_as_waiting_on_its_timer_not_as_a_lost_waker()
    {
        var stalled = Assert.Throws<StalledTaskException>(() => Executor.BlockOn(Time.Sleep(TimeSpan.FromSeconds(5)), Limit));

        Assert.False(stalled.IsLostWakeUp);
        Assert.StartsWith("Time.Sleep (timer due in ", stalled.WaitingOn);
        Assert.DoesNotContain("AG0102", stalled.Message);
    }

    [Fact]
    public void A_sleep_inside_a_fallback_machine_is_found_through_the_backtrace()
    {
        var stalled = Assert.Throws<StalledTaskException>(() => Executor.BlockOn(Nap(), Limit));

        Assert.False(stalled.IsLostWakeUp);
        Assert.Equal(["StallDiagnosisTests.Nap", "Time.Sleep"], stalled.Backtrace.Select(f => f.Method));
        Assert.Equal(AsyncFrameKind.Resource, stalled.Backtrace[^1].Kind);
        Assert.Contains("Time.Sleep (timer due in ", stalled.Message);
    }

    [Fact]
    public void A_task_that_completes_while_its_report_is_written_is_not_a_lost_waker()
    {
        // A work-stealing BlockOn reports from its own thread while a worker may finish the task: its frames are gone
        // and no timer holds its waker, which alone would read as AG0102.
        using var executor = new LocalExecutor();
        var handle = executor.Spawn(Future.Box<Trivial, Unit>(default));
        executor.Run();
        Assert.True(handle.IsCompleted);

        var diagnosis = StallDiagnosis.Of((ITaskCell)handle.AsFuture(), new TimerWheel());

        Assert.False(diagnosis.LostWaker);
        Assert.DoesNotContain("AG0102", diagnosis.Describe(Limit));
    }

    private readonly struct Trivial : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx) => Poll<Unit>.Ready(default);

        public void Dispose() { }
    }

    [Fact]
    public void A_truly_lost_waker_points_at_AG0102_and_names_the_innermost_future()
    {
        var stalled = Assert.Throws<StalledTaskException>(() => Executor.BlockOn(CountWithoutWaker(), Limit));

        Assert.True(stalled.IsLostWakeUp);
        Assert.Equal(["StallDiagnosisTests.CountWithoutWaker", "BrokenCounterFuture"], stalled.Backtrace.Select(f => f.Method));
        Assert.Contains("Innermost suspended: BrokenCounterFuture.", stalled.Message);
        Assert.Contains("AG0102", stalled.Message);
    }

    [Fact]
    public void A_stalled_child_task_is_named_through_the_join_handle_its_parent_awaits()
    {
        var stalled = Assert.Throws<StalledTaskException>(() => Executor.BlockOn(AwaitStuckChild(), Limit));

        Assert.True(stalled.IsLostWakeUp);
        var join = Assert.Single(stalled.Backtrace, f => f.Kind == AsyncFrameKind.Join);
        Assert.Contains("BrokenCounterFuture", join.Awaited);
        Assert.Equal("BrokenCounterFuture", stalled.Backtrace[^1].Method);
    }

    [Fact]
    public void A_hand_written_future_that_arms_a_timer_is_found_in_the_timer_wheel()
    {
        using var executor = new WorkStealingExecutor(workerCount: 1);
        var stalled = Assert.Throws<StalledTaskException>(() => executor.BlockOn(new OpaqueSleep(), Limit));

        Assert.False(stalled.IsLostWakeUp);
        Assert.Contains("armed by a future that does not describe itself", stalled.WaitingOn);
    }

    private static async Future<int> Nap()
    {
        await Time.Sleep(TimeSpan.FromSeconds(5));
        return 1;
    }

    private static async Future<string> CountWithoutWaker() => await new BrokenCounterFuture(max: 3);

    private static async Future<string> AwaitStuckChild() => await Executor.Spawn(new BrokenCounterFuture(max: 3));

    /// <summary>Sleeps through a boxed SleepFuture it hides: the wheel holds its waker, its frames say nothing.</summary>
    private sealed class OpaqueSleep : IFuture<Unit>
    {
        private IFuture<Unit> _sleep = Time.Sleep(TimeSpan.FromSeconds(5));

        public Poll<Unit> Poll(ref Context cx) => _sleep.Poll(ref cx);

        public void Dispose() => _sleep.Dispose();
    }
}
