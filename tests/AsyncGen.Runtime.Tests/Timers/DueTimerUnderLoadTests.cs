namespace AsyncGen.Runtime.Tests.Timers;

/// <summary>
/// Issue 14: a sleeper whose deadline passed does not wait behind 100,000 queued first polls. No timing assertion:
/// a gate task spins until the sleeper's deadline has passed, then the test counts how many other tasks were polled
/// before the sleeper resumed — a number the run loop's structure decides, not the machine's speed.
/// </summary>
public class DueTimerUnderLoadTests
{
    private const int Others = 100_000;

    /// <summary>Slack over one batch: the gate itself and the poll that turns into the sleeper's.</summary>
    private const int Slack = 2;

    [Fact]
    public void LocalExecutor_polls_a_due_sleeper_within_one_batch_of_queued_first_polls()
    {
        var probe = new Probe();
        using var executor = new LocalExecutor();
        executor.Spawn(Future.Box<Sleeper, Unit>(new Sleeper(probe, 0)));
        executor.Spawn(Future.Box<Gate, Unit>(new Gate(probe)));
        for (int i = 0; i < Others; i++) executor.Spawn(Future.Box<Counted, Unit>(new Counted(probe)));
        executor.Run();

        AssertResumedWithinOneBatch(probe);
    }

    [Fact]
    public void WorkStealingExecutor_polls_a_due_sleeper_within_one_batch_of_queued_first_polls()
    {
        var probe = new Probe();
        // One worker: which task runs next is then decided by the worker's loop alone.
        using var executor = new WorkStealingExecutor(workerCount: 1);
        executor.BlockOn(Future.Box<Spawner, Unit>(new Spawner(probe, sleepers: 1)), TimeSpan.FromMinutes(5));

        // The worker may first finish its LIFO slot's run (MaxLifoPolls) and the injected task of the turn's tick.
        AssertResumedWithinOneBatch(probe, extra: AsyncGen.Executors.WorkStealing.Worker.MaxLifoPolls + 1);
    }

    [Fact]
    public void LocalExecutor_keeps_a_share_of_each_batch_for_spawned_tasks_while_many_timers_fire_at_once()
    {
        const int sleepers = 300;
        var probe = new Probe();
        using var executor = new LocalExecutor();
        for (int i = 0; i < sleepers; i++) executor.Spawn(Future.Box<Sleeper, Unit>(new Sleeper(probe, i)));
        executor.Spawn(Future.Box<Gate, Unit>(new Gate(probe)));
        for (int i = 0; i < Others; i++) executor.Spawn(Future.Box<Counted, Unit>(new Counted(probe)));
        executor.Run();

        Assert.Equal(sleepers, probe.Registered);
        // Sleepers whose timer fired before the gate (a first poll slowed by the JIT) do not count.
        var late = Enumerable.Range(0, sleepers).Where(i => probe.LateResume[i]).Select(i => probe.ResumedAt[i] - probe.GateAt).ToList();
        Assert.True(late.Count >= 2 * LocalExecutor.DriverShare, $"only {late.Count} sleepers were still waiting at the gate");
        // The first due sleeper runs in the batch after the gate's...
        Assert.InRange(late.Min(), 0, LocalExecutor.EventInterval + Slack);
        // ...and while the sleepers drain, DriverShare (54) per batch, the ready queue still gets the other 7.
        int batches = (late.Count + LocalExecutor.DriverShare - 1) / LocalExecutor.DriverShare;
        Assert.True(late.Max() >= (batches - 1) * (LocalExecutor.EventInterval - LocalExecutor.DriverShare),
            $"only {late.Max()} other tasks ran while {late.Count} due sleepers drained");
    }

    private static void AssertResumedWithinOneBatch(Probe probe, int extra = 0)
    {
        Assert.Equal(1, probe.Registered); // the sleeper was pending in the wheel before the gate ran
        Assert.True(probe.GateAt >= 0, "the gate never ran");
        // Under load: most of the others were still queued when the sleeper resumed.
        Assert.True(probe.ResumedAt[0] < Others / 10, $"the sleeper resumed after {probe.ResumedAt[0]} other polls");
        int waited = probe.ResumedAt[0] - probe.GateAt;
        Assert.InRange(waited, 0, LocalExecutor.EventInterval + Slack + extra);
    }

    /// <summary>What the tasks record, in the order the executor polls them.</summary>
    private sealed class Probe
    {
        public long LatestDeadline;
        public int Started;
        public int Registered;
        public int OthersPolled;
        public int GateAt = -1;
        public readonly int[] ResumedAt = new int[1024];
        public readonly bool[] LateResume = new bool[1024];
    }

    /// <summary>Sleeps 20 ms (long enough to be pending at its first poll on a loaded machine); records when it resumes.</summary>
    private struct Sleeper(Probe probe, int index) : IFuture<Unit>
    {
        private SleepFuture _sleep;
        private bool _started;

        public Poll<Unit> Poll(ref Context cx)
        {
            if (!_started)
            {
                _started = true;
                probe.Started++;
                _sleep = Time.Sleep(TimeSpan.FromMilliseconds(20));
                probe.LatestDeadline = Math.Max(probe.LatestDeadline, _sleep.DeadlineMs);
                if (_sleep.Poll(ref cx).IsReady) return Poll<Unit>.Ready(default); // not counted as registered
                probe.Registered++;
                return Poll<Unit>.Pending;
            }
            if (_sleep.Poll(ref cx).IsPending) return Poll<Unit>.Pending;
            probe.ResumedAt[index] = probe.OthersPolled;
            probe.LateResume[index] = probe.GateAt >= 0;
            return Poll<Unit>.Ready(default);
        }

        public void Dispose() => _sleep.Dispose();
    }

    /// <summary>Polled after the sleepers: waits (spinning, so nothing else runs) until every deadline has passed.</summary>
    private readonly struct Gate(Probe probe) : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx)
        {
            while (Time.NowMs < probe.LatestDeadline) Thread.SpinWait(100);
            probe.GateAt = probe.OthersPolled;
            return Poll<Unit>.Ready(default);
        }

        public void Dispose() { }
    }

    /// <summary>A trivial task: counts its only poll.</summary>
    private readonly struct Counted(Probe probe) : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx)
        {
            probe.OthersPolled++;
            return Poll<Unit>.Ready(default);
        }

        public void Dispose() { }
    }

    /// <summary>
    /// On a work-stealing worker: spawns the sleepers, yields until they are pending in the wheel, then spawns the gate
    /// and the others, and waits for the first sleeper.
    /// </summary>
    private struct Spawner(Probe probe, int sleepers) : IFuture<Unit>
    {
        private JoinHandle<Unit> _first;
        private bool _spawnedSleepers;
        private bool _spawnedOthers;

        public Poll<Unit> Poll(ref Context cx)
        {
            if (!_spawnedSleepers)
            {
                _spawnedSleepers = true;
                _first = Executor.Spawn(Future.Box<Sleeper, Unit>(new Sleeper(probe, 0)));
                for (int i = 1; i < sleepers; i++) Executor.Spawn(Future.Box<Sleeper, Unit>(new Sleeper(probe, i)));
            }
            if (!_spawnedOthers)
            {
                if (probe.Started < sleepers)
                {
                    cx.Waker.Wake(); // polled again once the sleepers had their first poll
                    return Poll<Unit>.Pending;
                }
                _spawnedOthers = true;
                Executor.Spawn(Future.Box<Gate, Unit>(new Gate(probe)));
                for (int i = 0; i < Others; i++) Executor.Spawn(Future.Box<Counted, Unit>(new Counted(probe)));
            }
            return _first.Poll(ref cx);
        }

        public void Dispose()
        {
            if (_spawnedSleepers) _first.Dispose();
        }
    }
}
