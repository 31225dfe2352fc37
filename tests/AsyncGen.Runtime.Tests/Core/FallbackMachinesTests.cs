using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using AsyncGen.Fallback;
using AsyncGen.Runtime.Tests.Net;

namespace AsyncGen.Runtime.Tests.Core;

/// <summary>
/// Every fallback machine that starts is counted, raised as an event, and refused under the throwing switch.
/// Serial: the counter, the switch and EventSource listeners are process-wide.
/// </summary>
[Collection(SerialCollection.Name)]
public class FallbackMachinesTests
{
    // No generator in this project: both methods run on the fallback builder.
    private static async Future<int> Work(int x)
    {
        await Future.Yield();
        return x + 1;
    }

    private static async Future Nothing() => await Future.Yield();

    [Fact]
    public void Calling_a_fallback_method_counts_one_start_and_polling_it_counts_none()
    {
        var before = FallbackMachines.Started;
        var future = Work(1);
        Assert.Equal(before + 1, FallbackMachines.Started);
        Assert.Equal(2, Executor.BlockOn(future));
        Executor.BlockOn(Nothing());
        Assert.Equal(before + 2, FallbackMachines.Started);
    }

    [Fact]
    public void The_AsyncGen_meter_publishes_fallback_starts()
    {
        using var executor = new LocalExecutor();   // the meter's instruments are published with the first executor
        long observed = -1;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "AsyncGen" && instrument.Name == "asyncgen.fallback.started") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => observed = value);
        listener.Start();

        Work(1).Dispose();
        listener.RecordObservableInstruments();

        Assert.Equal(FallbackMachines.Started, observed);
        Assert.True(observed >= 1);
    }

    [Fact]
    public void Each_start_raises_an_event_naming_the_method()
    {
        using var listener = new FallbackListener();
        Work(1).Dispose();
        Nothing().Dispose();
        Assert.Equal(
            [$"{typeof(FallbackMachinesTests).FullName}.{nameof(Work)}", $"{typeof(FallbackMachinesTests).FullName}.{nameof(Nothing)}"],
            listener.Methods);
    }

    [Fact]
    public void Local_function_machines_are_named_after_the_local_function()
    {
        static async Future<int> Helper() { await Future.Yield(); return 1; }
        using var listener = new FallbackListener();
        Helper().Dispose();
        var method = Assert.Single(listener.Methods);
        Assert.StartsWith($"{typeof(FallbackMachinesTests).FullName}.<{nameof(Local_function_machines_are_named_after_the_local_function)}>g__{nameof(Helper)}", method);
    }

    [Fact]
    public void Under_the_throwing_switch_starting_a_fallback_machine_throws_naming_the_method_and_the_fix()
    {
        var before = FallbackMachines.Started;
        FallbackMachines.ThrowOnStart = true;
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => Work(1));
            Assert.Contains($"'{typeof(FallbackMachinesTests).FullName}.{nameof(Work)}' started on the fallback builder", error.Message);
            Assert.Contains("[PollAsync]", error.Message);
            Assert.Contains("<AsyncGenStrict>true</AsyncGenStrict>", error.Message);
            Assert.Throws<InvalidOperationException>(() => Nothing());
        }
        finally
        {
            FallbackMachines.ThrowOnStart = false;
        }
        Assert.Equal(before + 2, FallbackMachines.Started);
        Assert.Equal(2, Executor.BlockOn(Work(1)));
    }

    [Fact]
    public void The_AppContext_switch_turns_throwing_on_and_off()
    {
        try
        {
            AppContext.SetSwitch(FallbackMachines.ThrowOnFallbackSwitch, true);
            Assert.True(FallbackMachines.IsConfiguredToThrow());
            AppContext.SetSwitch(FallbackMachines.ThrowOnFallbackSwitch, false);
            Assert.False(FallbackMachines.IsConfiguredToThrow());
        }
        finally
        {
            AppContext.SetSwitch(FallbackMachines.ThrowOnFallbackSwitch, false);
        }
    }

    [Fact]
    public void The_throwing_switch_is_off_by_default()
    {
        // The test host sets neither the switch nor ASYNCGEN_THROW_ON_FALLBACK (samples' tests cover the variable).
        Assert.False(Environment.GetEnvironmentVariable(FallbackMachines.ThrowOnFallbackVariable) == "1");
        Assert.False(FallbackMachines.ThrowOnStart);
    }

    private sealed class FallbackListener : EventListener
    {
        private readonly List<string> _methods = [];
        private readonly int _thread = Environment.CurrentManagedThreadId;

        public IReadOnlyList<string> Methods
        {
            get { lock (_methods) return [.. _methods]; }
        }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Warning);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            // Events of this test's thread only: the listener may also see the end of an earlier test's work.
            if (e.EventName == "FallbackMachineStarted" && Environment.CurrentManagedThreadId == _thread)
                lock (_methods) _methods.Add((string)e.Payload![0]!);
        }
    }
}
