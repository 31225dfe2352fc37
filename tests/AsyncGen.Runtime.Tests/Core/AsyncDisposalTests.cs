using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using AsyncGen.Diagnostics;
using AsyncGen.Runtime.Tests.Diagnostics;
using AsyncGen.Runtime.Tests.Net;
using AsyncGen.Runtime.Tests.Support;

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
    public void A_detached_disposal_of_an_aborted_task_names_that_task_in_its_event_and_its_failure_report()
    {
        var seen = new List<UnobservedTaskFailureEventArgs>();
        EventHandler<UnobservedTaskFailureEventArgs> hook = (_, e) => { if (e.Exception.Message == "aborted task's flush failed") lock (seen) seen.Add(e); };
        using var events = new EventTests.Recorder(EventLevel.Warning, AsyncGenEventSource.Keywords.Tasks, anyThread: true).Start();
        var pending = new TaskCompletionSource();
        using var executor = new LocalExecutor();
        var owner = new HoldsResource(new Resource(() => new ValueTask(pending.Task)));
        var handle = executor.Spawn(owner);
        long id = handle.Task.Id; // while it lives: a completed task's slot no longer keeps its id
        executor.BlockOn(new SelfWakingFuture(times: 1)); // the owner has been polled and waits
        RuntimeDiagnostics.UnobservedTaskFailure += hook;
        try
        {
            handle.Abort();
            executor.Run();                                    // disposes it: the disposal detaches
            pending.SetException(new IOException("aborted task's flush failed"));
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= hook;
        }

        Assert.NotEqual(0, id);
        var detached = Assert.Single(events.Named("AsyncDisposalDetached"));
        Assert.Equal(id, (long)detached.Payload![1]!);
        var skipped = Assert.Single(events.Named("CancelledFinallySkipped"));
        Assert.Equal(id, (long)skipped.Payload![2]!);
        var failure = Assert.Single(seen);
        Assert.Equal(id, failure.TaskId);
        Assert.Contains($"task #{id}", failure.TaskName, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disposal_detached_inside_a_task_poll_names_the_polled_task_and_outside_any_task_names_none()
    {
        using var events = new EventTests.Recorder(EventLevel.Warning, AsyncGenEventSource.Keywords.Tasks, anyThread: true).Start();
        var pending = new TaskCompletionSource();
        using var executor = new LocalExecutor();
        // A future that disposes a child inside its own poll, as Select does with its loser.
        var handle = executor.Spawn(new DisposesChildWhenPolled(new HoldsResource(new Resource(() => new ValueTask(pending.Task)))));
        long id = handle.Task.Id; // while it lives: a completed task's slot no longer keeps its id
        executor.Run();
        var outside = new HoldsResource(new Resource(() => new ValueTask(pending.Task)));
        outside.Dispose();
        pending.SetResult();

        var detached = events.Named("AsyncDisposalDetached").Select(e => (long)e.Payload![1]!).ToList();
        Assert.Equal([id, 0L], detached);
    }

    /// <summary>Pending forever; its Dispose detaches the resource's disposal and skips an awaiting finally, as a
    /// generated machine suspended in an <c>await using</c> inside a <c>try</c> with an awaiting finally does.</summary>
    private sealed class HoldsResource(Resource resource) : IFuture<Unit>
    {
        private Resource _resource = resource;

        public Poll<Unit> Poll(ref Context cx) => Poll<Unit>.Pending;

        public void Dispose()
        {
            AsyncDisposal.OnCancel(ref _resource);
            CancelledCleanup.OnFinallySkipped(nameof(HoldsResource), 42);
        }
    }

    private sealed class DisposesChildWhenPolled(IFuture<Unit> child) : IFuture<Unit>
    {
        public Poll<Unit> Poll(ref Context cx)
        {
            child.Dispose();
            return Poll<Unit>.Ready(default);
        }
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

    [Fact]
    public void A_disposal_after_a_pending_MoveNextAsync_starts_when_it_completes_and_is_counted_as_detached()
    {
        var detached = AsyncDisposal.Detached;
        var moveNext = new TaskCompletionSource<bool>();
        var relay = new AwaiterWakeRelay();
        var awaiter = new ValueTask<bool>(moveNext.Task).GetAwaiter();
        relay.Register(ref awaiter, Waker.Noop);
        var resource = new Resource(() => default);

        AsyncDisposal.OnCancelAfterPending(relay, resource, static r => r.DisposeAsync());
        Assert.Equal(0, resource.Disposals); // MoveNextAsync still runs: an async iterator would refuse DisposeAsync
        Assert.Equal(detached + 1, AsyncDisposal.Detached);

        moveNext.SetResult(true);
        // The relay's continuation may run on another thread (the test's scheduler): wait for it, bounded.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref resource.Disposals) == 1, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void A_configured_disposal_after_a_pending_MoveNextAsync_starts_when_it_completes()
    {
        var detached = AsyncDisposal.Detached;
        var moveNext = new TaskCompletionSource<bool>();
        var relay = new AwaiterWakeRelay();
        var awaiter = new ValueTask<bool>(moveNext.Task).GetAwaiter();
        relay.Register(ref awaiter, Waker.Noop);
        var resource = new Resource(() => default);

        AsyncDisposal.OnCancelAfterPending(relay, resource, static r => r.DisposeAsync().ConfigureAwait(false));
        Assert.Equal(0, resource.Disposals);
        Assert.Equal(detached + 1, AsyncDisposal.Detached);

        moveNext.SetResult(true);
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref resource.Disposals) == 1, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void A_disposal_after_a_MoveNextAsync_that_already_completed_starts_at_once()
    {
        var moveNext = new TaskCompletionSource<bool>();
        var relay = new AwaiterWakeRelay();
        var awaiter = new ValueTask<bool>(moveNext.Task).GetAwaiter();
        relay.Register(ref awaiter, Waker.Noop);
        moveNext.SetResult(false);
        var resource = new Resource(() => default);

        Assert.True(SpinWait.SpinUntil(() => relay.HasFired, TimeSpan.FromSeconds(20)));

        AsyncDisposal.OnCancelAfterPending(relay, resource, static r => r.DisposeAsync());
        // Run by the call itself, or by the completion if it had not reached its check yet: once either way.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref resource.Disposals) == 1, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void A_disposal_after_a_pending_MoveNextAsync_that_fails_is_reported_as_unobserved()
    {
        var failed = AsyncDisposal.DetachedFailed;
        var moveNext = new TaskCompletionSource<bool>();
        var relay = new AwaiterWakeRelay();
        var awaiter = new ValueTask<bool>(moveNext.Task).GetAwaiter();
        relay.Register(ref awaiter, Waker.Noop);
        var resource = new Resource(() => ValueTask.FromException(new InvalidOperationException("dispose failed")));

        AsyncDisposal.OnCancelAfterPending(relay, resource, static r => r.DisposeAsync());
        moveNext.SetResult(true);

        Assert.True(SpinWait.SpinUntil(() => AsyncDisposal.DetachedFailed == failed + 1, TimeSpan.FromSeconds(20)));
    }

    /// <summary>
    /// The completion of MoveNextAsync racing with the Dispose that hands over the disposal: whichever comes second
    /// must still see the other (the flag and the cleanup are each written before the other is read), and the exchange
    /// lets exactly one run it.
    /// </summary>
    [Fact]
    public async Task A_disposal_racing_with_the_completion_of_MoveNextAsync_runs_exactly_once()
    {
        for (var i = 0; i < 2000; i++)
        {
            var moveNext = new TaskCompletionSource<bool>();
            var relay = new AwaiterWakeRelay();
            var awaiter = new ValueTask<bool>(moveNext.Task).GetAwaiter();
            relay.Register(ref awaiter, Waker.Noop);
            var disposals = 0;
            var resource = new Resource(() =>
            {
                Interlocked.Increment(ref disposals);
                return default;
            });
            using var start = new Barrier(2);
            var completer = Task.Run(() =>
            {
                start.SignalAndWait();
                moveNext.SetResult(true);
            });
            start.SignalAndWait();
            AsyncDisposal.OnCancelAfterPending(relay, resource, static r => r.DisposeAsync());
            await completer;
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref disposals) > 0, TimeSpan.FromSeconds(20)), $"iteration {i}: never disposed");
            Assert.Equal(1, Volatile.Read(ref disposals));
        }
    }

    [Fact]
    public void A_skipped_awaiting_finally_is_counted_raises_its_event_and_is_published_by_the_meter()
    {
        using var executor = new LocalExecutor();   // the meter's instruments are published with the first executor
        long observed = -1;
        using var meter = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "AsyncGen" && instrument.Name == RuntimeMeter.CancelledFinallySkippedName) l.EnableMeasurementEvents(instrument);
            },
        };
        meter.SetMeasurementEventCallback<long>((_, value, _, _) => observed = value);
        meter.Start();
        using var events = new SkippedFinallyListener();
        var skipped = CancelledCleanup.FinallySkipped;

        CancelledCleanup.OnFinallySkipped("Demo.Flush", 42);
        meter.RecordObservableInstruments();

        Assert.Equal(skipped + 1, CancelledCleanup.FinallySkipped);
        Assert.Equal(CancelledCleanup.FinallySkipped, observed);
        Assert.Contains(("Demo.Flush", 42), events.Skips);
    }

    private sealed class SkippedFinallyListener : EventListener
    {
        private readonly List<(string, int)> _skips = [];

        public IReadOnlyList<(string Method, int Line)> Skips
        {
            get { lock (_skips) return [.. _skips]; }
        }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Warning);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName == "CancelledFinallySkipped") lock (_skips) _skips.Add(((string)e.Payload![0]!, (int)e.Payload[1]!));
        }
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
