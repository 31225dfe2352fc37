using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using AsyncGen.Diagnostics;
using AsyncGen.Runtime.Tests.Diagnostics;
using AsyncGen.Runtime.Tests.Net;

namespace AsyncGen.Runtime.Tests.Core;

/// <summary>
/// <see cref="AsyncDisposal.OnCancel"/>, which a cancelled generated machine calls for the resource of the
/// <c>await using</c> it is suspended in: a disposal that completes at once behaves like a finally block; one that
/// does not is detached, counted, and its failure reported. Serial: the counters and the hook are process-wide.
/// </summary>
[Collection(SerialCollection.Name)]
public class AsyncDisposalTests
{
    [Fact]
    public void A_disposal_that_completes_at_once_runs_and_is_not_counted_as_detached()
    {
        var detached = AsyncDisposal.Detached;
        var resource = new Resource(() => default);
        AsyncDisposal.OnCancel(ref resource);
        Assert.Equal(1, resource.Disposals);
        Assert.Equal(detached, AsyncDisposal.Detached);
    }

    [Fact]
    public void A_null_resource_is_skipped()
    {
        Resource? resource = null;
        AsyncDisposal.OnCancel(ref resource);
        Assert.Null(resource);
    }

    [Fact]
    public void A_disposal_that_fails_at_once_throws_from_the_cancelling_Dispose()
    {
        var failed = AsyncDisposal.DetachedFailed;
        var resource = new Resource(() => ValueTask.FromException(new InvalidOperationException("flush failed")));
        var error = Assert.Throws<InvalidOperationException>(() => AsyncDisposal.OnCancel(ref resource));
        Assert.Equal("flush failed", error.Message);
        Assert.Equal(failed, AsyncDisposal.DetachedFailed);
    }

    [Fact]
    public void A_struct_resource_is_disposed_in_place_not_as_a_boxed_copy()
    {
        var resource = new StructResource();
        AsyncDisposal.OnCancel(ref resource);
        Assert.True(resource.Disposed);
    }

    [Fact]
    public void A_started_disposal_of_a_pattern_resource_is_observed_and_named_by_the_resource_type()
    {
        var detached = AsyncDisposal.Detached;
        var enumerator = new PatternEnumerator();
        AsyncDisposal.OnCancel(enumerator, ValueTask.CompletedTask);
        Assert.Equal(detached, AsyncDisposal.Detached);
        Assert.Throws<InvalidOperationException>(() => AsyncDisposal.OnCancel(enumerator, ValueTask.FromException(new InvalidOperationException())));

        using var events = new EventTests.Recorder(EventLevel.Warning, AsyncGenEventSource.Keywords.Tasks).Start();
        var pending = new TaskCompletionSource();
        AsyncDisposal.OnCancel(enumerator, new ValueTask(pending.Task));
        pending.SetResult();
        Assert.Equal(detached + 1, AsyncDisposal.Detached);
        Assert.Equal(typeof(PatternEnumerator).FullName, (string)Assert.Single(events.Named("AsyncDisposalDetached")).Payload![0]!);
    }

    [Fact]
    public void A_configured_disposal_is_observed_at_once_or_detached_counted_and_its_failure_reported()
    {
        var resource = new Resource(() => default).ConfigureAwait(false);
        AsyncDisposal.OnCancel(resource, Configured(ValueTask.CompletedTask));
        Assert.Throws<InvalidOperationException>(() =>
            AsyncDisposal.OnCancel(resource, Configured(ValueTask.FromException(new InvalidOperationException()))));

        var detached = AsyncDisposal.Detached;
        var failed = AsyncDisposal.DetachedFailed;
        var reported = new List<Exception>();
        EventHandler<UnobservedTaskFailureEventArgs> hook = (_, e) => { if (e.Exception.Message == "configured flush failed") lock (reported) reported.Add(e.Exception); };
        var pending = new TaskCompletionSource();
        RuntimeDiagnostics.UnobservedTaskFailure += hook;
        try
        {
            AsyncDisposal.OnCancel(resource, Configured(new ValueTask(pending.Task)));
            Assert.Equal(detached + 1, AsyncDisposal.Detached);
            pending.SetException(new IOException("configured flush failed"));
            Assert.True(SpinWait.SpinUntil(() => { lock (reported) return reported.Count == 1; }, TimeSpan.FromSeconds(30)));
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= hook;
        }
        Assert.Equal(failed + 1, AsyncDisposal.DetachedFailed);
    }

    [Fact]
    public void A_disposal_still_running_is_detached_counted_and_raises_the_warning_event()
    {
        var detached = AsyncDisposal.Detached;
        var failed = AsyncDisposal.DetachedFailed;
        var reported = 0;
        EventHandler<UnobservedTaskFailureEventArgs> hook = (_, e) => { if (e.TaskName.Contains(nameof(Resource), StringComparison.Ordinal)) Interlocked.Increment(ref reported); };
        using var events = new EventTests.Recorder(EventLevel.Warning, AsyncGenEventSource.Keywords.Tasks).Start();
        var pending = new TaskCompletionSource();
        var resource = new Resource(() => new ValueTask(pending.Task));
        RuntimeDiagnostics.UnobservedTaskFailure += hook;
        try
        {
            AsyncDisposal.OnCancel(ref resource);
            Assert.Equal(detached + 1, AsyncDisposal.Detached);
            pending.SetResult();   // its continuations run inside SetResult
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= hook;
        }

        Assert.Equal(1, resource.Disposals);
        Assert.Equal(failed, AsyncDisposal.DetachedFailed);
        Assert.Equal(0, reported);
        var warning = Assert.Single(events.Named("AsyncDisposalDetached"));
        Assert.Equal(typeof(Resource).FullName, (string)warning.Payload![0]!);
        Assert.Equal(EventLevel.Warning, warning.Level);
    }

    [Fact]
    public void A_detached_disposal_that_fails_is_counted_and_reported_through_the_unobserved_failure_hook_and_event()
    {
        var failed = AsyncDisposal.DetachedFailed;
        var seen = new List<UnobservedTaskFailureEventArgs>();
        EventHandler<UnobservedTaskFailureEventArgs> hook = (_, e) => { if (e.Exception.Message == "late flush failed") lock (seen) seen.Add(e); };
        using var events = new EventTests.Recorder(EventLevel.Error, AsyncGenEventSource.Keywords.Tasks, anyThread: true).Start();
        var pending = new TaskCompletionSource();
        var resource = new Resource(() => new ValueTask(pending.Task));
        RuntimeDiagnostics.UnobservedTaskFailure += hook;
        try
        {
            AsyncDisposal.OnCancel(ref resource);
            // ExecuteSynchronously: the report runs on this thread, inside SetException.
            pending.SetException(new IOException("late flush failed"));
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= hook;
        }

        var failure = Assert.Single(seen);
        Assert.IsType<IOException>(failure.Exception);
        Assert.Equal(0, failure.TaskId);
        Assert.Contains(typeof(Resource).FullName!, failure.TaskName, StringComparison.Ordinal);
        Assert.Equal(failed + 1, AsyncDisposal.DetachedFailed);
        var logged = Assert.Single(events.Named("UnobservedTaskFailure"), e => (string)e.Payload![3]! == "late flush failed");
        Assert.Equal(EventLevel.Error, logged.Level);
    }

    [Fact]
    public void The_AsyncGen_meter_publishes_detached_disposals()
    {
        using var executor = new LocalExecutor();   // the meter's instruments are published with the first executor
        long observed = -1;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "AsyncGen" && instrument.Name == RuntimeMeter.AsyncDisposalDetachedName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => observed = value);
        listener.Start();

        var pending = new TaskCompletionSource();
        var resource = new Resource(() => new ValueTask(pending.Task));
        AsyncDisposal.OnCancel(ref resource);
        pending.SetResult();
        listener.RecordObservableInstruments();

        Assert.Equal(AsyncDisposal.Detached, observed);
        Assert.True(observed >= 1);
    }

    /// <summary>What <c>await using (resource.ConfigureAwait(false))</c> hands over (outside a test method: xUnit1030).</summary>
    private static System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable Configured(ValueTask disposal) => disposal.ConfigureAwait(false);

    private sealed class Resource(Func<ValueTask> dispose) : IAsyncDisposable
    {
        public int Disposals;

        public ValueTask DisposeAsync()
        {
            Disposals++;
            return dispose();
        }
    }

    /// <summary>An enumerator with the DisposeAsync pattern only, as <c>await foreach</c> accepts.</summary>
    private struct PatternEnumerator;

    private struct StructResource : IAsyncDisposable
    {
        public bool Disposed;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return default;
        }
    }
}
