using System.ComponentModel;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;

namespace AsyncGen;

/// <summary>
/// Disposes the resource of an <c>await using</c> (or the enumerator of an <c>await foreach</c>) whose future is
/// disposed (cancelled) while suspended inside it: called by the <c>Dispose</c> of generated <c>[PollAsync]</c>
/// machines, which cannot await.
/// </summary>
/// <remarks>
/// <para><c>DisposeAsync</c> is started. When it completes at once (the common case: most resources finish
/// synchronously, or flush nothing after a cancelled operation) its exception propagates out of <c>Dispose</c>, as a
/// <c>finally</c> block's or a synchronous <c>Dispose</c>'s does, and the cleanup outside it still runs.</para>
/// <para>Otherwise the disposal is <em>detached</em>: it finishes on its own after the future's <c>Dispose</c> has
/// returned, and the cleanup outside it runs without waiting for it (an <c>async Task</c> would wait). That weaker
/// path is visible: it is counted in <see cref="Detached"/> (the Meter instrument
/// <c>asyncgen.async_disposal.detached</c>) and raises the warning event <c>AsyncDisposalDetached</c> (id 110); a
/// detached disposal that fails is counted in <see cref="DetachedFailed"/> and reported through
/// <see cref="RuntimeDiagnostics.UnobservedTaskFailure"/> (and the <c>UnobservedTaskFailure</c> error event), with
/// task id 0, since no one is left to observe it.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AsyncDisposal
{
    private static long s_detached;
    private static long s_detachedFailed;

    /// <summary>Disposals started by a cancelled future that had not finished when its <c>Dispose</c> returned.</summary>
    public static long Detached => Interlocked.Read(ref s_detached);

    /// <summary>Detached disposals that then failed (faulted or were cancelled).</summary>
    public static long DetachedFailed => Interlocked.Read(ref s_detachedFailed);

    /// <summary>
    /// Starts <c>DisposeAsync</c> of <paramref name="resource"/> (nothing for null) from the <c>Dispose</c> of a
    /// future suspended in its <c>await using</c>: rethrows a synchronous failure, detaches an unfinished disposal.
    /// </summary>
    /// <remarks>By reference, so a struct resource is disposed in place (as <c>await using</c> does), not a boxed copy.</remarks>
    public static void OnCancel<TResource>(ref TResource resource) where TResource : IAsyncDisposable?
    {
        if (resource is null) return;
        OnCancel(resource, resource.DisposeAsync());
    }

    /// <summary>
    /// The same for a <c>DisposeAsync</c> already started, of a resource that may only have the pattern method (an
    /// <c>await foreach</c> enumerator): rethrows a synchronous failure, detaches an unfinished disposal.
    /// </summary>
    /// <remarks>The resource only names the disposal in reports (by its static type: no boxing).</remarks>
    public static void OnCancel<TResource>(TResource resource, ValueTask disposal)
    {
        if (disposal.IsCompleted)
        {
            disposal.GetAwaiter().GetResult();
            return;
        }
        Detach(disposal, typeof(TResource));
    }

    /// <summary>
    /// Disposal of the enumerator of an <c>await foreach</c> whose future is disposed while suspended in
    /// <c>MoveNextAsync</c>: an async iterator refuses <c>DisposeAsync</c> while <c>MoveNextAsync</c> runs, so
    /// <paramref name="startDisposal"/> starts it when that completes (<paramref name="relay"/> carries its completion).
    /// Always a detached disposal, counted and reported as above; the outcome of the abandoned <c>MoveNextAsync</c>
    /// is ignored, like that of any awaiter a cancelled machine was waiting on.
    /// </summary>
    public static void OnCancelAfterPending<TResource>(AwaiterWakeRelay relay, TResource resource, Func<TResource, ValueTask> startDisposal)
    {
        ArgumentNullException.ThrowIfNull(relay);
        ArgumentNullException.ThrowIfNull(startDisposal);
        if (resource is null) return;
        AfterPending(relay, typeof(TResource), name =>
        {
            var disposal = startDisposal(resource);
            if (disposal.IsCompleted) disposal.GetAwaiter().GetResult();
            else ObserveDetached(disposal, name);
        });
    }

    /// <summary>
    /// The same for an enumerator whose <c>DisposeAsync</c> returns a <see cref="ConfiguredValueTaskAwaitable"/>
    /// (<c>await foreach</c> over <c>WithCancellation</c>/<c>ConfigureAwait</c>).
    /// </summary>
    public static void OnCancelAfterPending<TResource>(AwaiterWakeRelay relay, TResource resource, Func<TResource, ConfiguredValueTaskAwaitable> startDisposal)
    {
        ArgumentNullException.ThrowIfNull(relay);
        ArgumentNullException.ThrowIfNull(startDisposal);
        if (resource is null) return;
        AfterPending(relay, typeof(TResource), name =>
        {
            var awaiter = startDisposal(resource).GetAwaiter();
            if (awaiter.IsCompleted) awaiter.GetResult();
            else ObserveDetached(awaiter, name);
        });
    }

    /// <summary>
    /// The same for a configured disposal (<c>await using (resource.ConfigureAwait(false))</c>, whose
    /// <c>ConfiguredAsyncDisposable</c> returns a <see cref="ConfiguredValueTaskAwaitable"/>).
    /// </summary>
    public static void OnCancel<TResource>(TResource resource, ConfiguredValueTaskAwaitable disposal)
    {
        var awaiter = disposal.GetAwaiter();
        if (awaiter.IsCompleted)
        {
            awaiter.GetResult();
            return;
        }
        ObserveDetached(awaiter, CountDetached(typeof(TResource)));
    }

    /// <summary>Counts a detached disposal, raises its event, and returns its name for a later failure report.</summary>
    private static string CountDetached(Type resource)
    {
        Interlocked.Increment(ref s_detached);
        var log = AsyncGenEventSource.Log;
        if (log.IsEnabled()) log.AsyncDisposalDetached(resource.FullName ?? resource.Name);
        return $"DisposeAsync of {resource.FullName} (await using of a disposed future)";
    }

    private static void Detach(ValueTask disposal, Type resource) => ObserveDetached(disposal, CountDetached(resource));

    private static void ObserveDetached(ValueTask disposal, string name)
    {
        // Detached on purpose: the future is gone, so its failure goes to the unobserved-failure channel instead.
        _ = disposal.AsTask().ContinueWith(static (task, state) => ReportFailure(task, (string)state!), name,
            CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static void ObserveDetached(ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter awaiter, string name)
    {
        // Detached on purpose, as above; the configured awaiter runs the report where its configuration says.
        awaiter.OnCompleted(() =>
        {
            try
            {
                awaiter.GetResult();
            }
            catch (Exception error)
            {
                Report(error, name);
            }
        });
    }

    /// <summary>Counts a disposal detached behind a pending <c>MoveNextAsync</c> and starts it once that completes;
    /// a disposal that throws as it starts is reported like a later failure.</summary>
    private static void AfterPending(AwaiterWakeRelay relay, Type resource, Action<string> startDisposal)
    {
        var name = CountDetached(resource);
        relay.AfterCancel(() =>
        {
            try
            {
                startDisposal(name);
            }
            catch (Exception error)
            {
                Report(error, name);
            }
        });
    }

    private static void ReportFailure(Task disposal, string name) =>
        Report(disposal.Exception?.InnerExceptions is [var single] ? single
            : disposal.Exception ?? (Exception)new TaskCanceledException(disposal), name);

    private static void Report(Exception error, string name)
    {
        Interlocked.Increment(ref s_detachedFailed);
        var log = AsyncGenEventSource.Log;
        if (log.TasksEnabled(EventLevel.Error))
            log.UnobservedTaskFailure(0, name, error.GetType().FullName ?? "", error.Message);
        RuntimeDiagnostics.RaiseUnobserved(new UnobservedTaskFailureEventArgs(0, name, error));
    }
}
