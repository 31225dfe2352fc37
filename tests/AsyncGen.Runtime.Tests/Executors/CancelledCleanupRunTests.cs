using System.Diagnostics.Metrics;
using AsyncGen.Diagnostics;
using AsyncGen.Runtime.Tests.Net;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// <see cref="CancelledCleanup.Run{TMachine, T}"/>, which a disposed generated machine calls once it pointed itself at
/// a finally block that awaits: inline when the block completes at once, moved into a task on the current executor
/// when it waits (counted, published by the meter), disposed again when no executor can finish it. Serial: the
/// counters are process-wide.
/// </summary>
[Collection(SerialCollection.Name)]
public class CancelledCleanupRunTests
{
    [Fact]
    public void A_cleanup_that_completes_at_once_runs_inline_and_is_not_moved()
    {
        var machine = new CleanupMachine(waits: 0);
        long detached = CancelledCleanup.Detached;

        Assert.False(CancelledCleanup.Run<CleanupMachine, int>(ref machine, "Demo.Close"));

        Assert.Equal(1, machine.Polls);
        Assert.True(machine.Finished);
        Assert.Equal(detached, CancelledCleanup.Detached);
    }

    [Fact]
    public void A_cleanup_that_waits_moves_into_a_task_of_the_current_executor_counted_and_published_by_the_meter()
    {
        using var executor = new LocalExecutor(); // the meter's instruments are published with the first executor
        long observed = -1;
        using var meter = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "AsyncGen" && instrument.Name == RuntimeMeter.CancelledCleanupDetachedName) l.EnableMeasurementEvents(instrument);
            },
        };
        meter.SetMeasurementEventCallback<long>((_, value, _, _) => observed = value);
        meter.Start();
        long detached = CancelledCleanup.Detached;
        long running = CancelledCleanup.Running;
        var log = new List<string>();

        executor.BlockOn(new RunsCleanup(log));
        executor.Run(); // the moved cleanup finishes (BlockOn may already have run it)
        Assert.Equal(running, CancelledCleanup.Running); // counted out once finished
        meter.RecordObservableInstruments();

        Assert.Equal(["moved", "finished"], log);
        Assert.Equal(detached + 1, CancelledCleanup.Detached);
        Assert.Equal(CancelledCleanup.Detached, observed);
    }

    [Fact]
    public void A_moved_cleanup_that_its_executor_disposes_unfinished_no_longer_counts_as_running()
    {
        long running = CancelledCleanup.Running;
        var log = new List<string>();
        using (var executor = new LocalExecutor())
        {
            executor.BlockOn(new RunsCleanup(log, waits: int.MaxValue));
            Assert.Equal(running + 1, CancelledCleanup.Running); // what a host waits for before disposing its executor
        }
        Assert.Equal(["moved"], log);
        Assert.Equal(running, CancelledCleanup.Running);
    }

    [Fact]
    public async Task WhenNoneRunning_is_signalled_by_the_end_of_the_last_running_cleanup_not_looked_at_on_a_timer()
    {
        Assert.True(CancelledCleanup.WhenNoneRunning().IsCompleted); // none running: at once (serial collection)
        var log = new List<string>();
        var executor = new LocalExecutor();
        executor.BlockOn(new RunsCleanup(log, waits: int.MaxValue));
        var drained = CancelledCleanup.WhenNoneRunning();
        Assert.False(drained.IsCompleted); // the moved cleanup still runs

        executor.Dispose(); // cuts it: the last running cleanup ends, which completes the task

        Assert.True(drained.IsCompleted); // signalled by the end itself (its continuations run asynchronously)
        await drained;
        Assert.Equal(0, CancelledCleanup.Running);
    }

    [Fact]
    public void Without_an_executor_a_cleanup_that_waits_is_disposed_again()
    {
        long running = CancelledCleanup.Running;
        var machine = new CleanupMachine(waits: 1);

        Assert.False(CancelledCleanup.Run<CleanupMachine, int>(ref machine, "Demo.Close"));
        Assert.Equal(running, CancelledCleanup.Running);

        Assert.Equal(1, machine.Polls);
        Assert.False(machine.Finished);
        Assert.Equal(1, machine.Disposals);
    }

    /// <summary>Calls Run from inside a task, as a generated Dispose does when its executor aborts it.</summary>
    private sealed class RunsCleanup(List<string> log, int waits = 1) : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx)
        {
            var machine = new CleanupMachine(waits, log);
            if (CancelledCleanup.Run<CleanupMachine, int>(ref machine, "Demo.Close")) log.Add("moved");
            Assert.Equal(0, machine.Polls); // the caller's copy is cleared
            return Poll<Unit>.Ready(default);
        }
    }

    /// <summary>Stands for a machine pointed at its finally block: Pending <c>waits</c> times (waking itself), then Ready.</summary>
    private struct CleanupMachine(int waits, List<string>? log = null) : IFuture<int>
    {
        private int _waits = waits;

        public int Polls { get; private set; }

        public bool Finished { get; private set; }

        public int Disposals { get; private set; }

        public Poll<int> Poll(ref Context cx)
        {
            Polls++;
            if (_waits-- > 0)
            {
                cx.Waker.Wake();
                return Poll<int>.Pending;
            }
            Finished = true;
            log?.Add("finished");
            return Poll<int>.Ready(0);
        }

        public void Dispose() => Disposals++;
    }
}
