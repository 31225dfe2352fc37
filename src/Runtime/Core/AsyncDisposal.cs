using System.ComponentModel;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

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
/// <see cref="RuntimeDiagnostics.UnobservedTaskFailure"/> (and the <c>UnobservedTaskFailure</c> error event), since
/// no one is left to observe it. Both reports carry the id of the task whose future owned the resource (the task being
/// polled or aborted when the disposal started; 0 for a future polled by hand, outside any task), so a user can tell
/// which task it was.</para>
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
        AfterPending(relay, typeof(TResource), detached =>
        {
            var disposal = startDisposal(resource);
            if (disposal.IsCompleted) disposal.GetAwaiter().GetResult();
            else ObserveDetached(disposal, detached);
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
        AfterPending(relay, typeof(TResource), detached =>
        {
            var awaiter = startDisposal(resource).GetAwaiter();
            if (awaiter.IsCompleted) awaiter.GetResult();
            else ObserveDetached(awaiter, detached);
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

    /// <summary>
    /// Counts a detached disposal, raises its event, and returns what a later failure report says: its name and the
    /// task whose future started it.
    /// </summary>
    private static (string Name, long TaskId) CountDetached(Type resource)
    {
        Interlocked.Increment(ref s_detached);
        // Read now, in the Dispose that detaches it: its completion runs later, on whatever thread completes it.
        long taskId = CoopBudget.CurrentTaskId;
        var log = AsyncGenEventSource.Log;
        if (log.IsEnabled()) log.AsyncDisposalDetached(resource.FullName ?? resource.Name, taskId);
        string owner = taskId == 0 ? "a disposed future" : $"a disposed future of task #{taskId}";
        return ($"DisposeAsync of {resource.FullName} (await using of {owner})", taskId);
    }

    private static void Detach(ValueTask disposal, Type resource) => ObserveDetached(disposal, CountDetached(resource));

    private static void ObserveDetached(ValueTask disposal, (string Name, long TaskId) detached)
    {
        // Detached on purpose: the future is gone, so its failure goes to the unobserved-failure channel instead.
        _ = disposal.AsTask().ContinueWith(static (task, state) => ReportFailure(task, ((string, long))state!), detached,
            CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static void ObserveDetached(ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter awaiter, (string Name, long TaskId) detached)
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
                Report(error, detached);
            }
        });
    }

    /// <summary>Counts a disposal detached behind a pending <c>MoveNextAsync</c> and starts it once that completes;
    /// a disposal that throws as it starts is reported like a later failure.</summary>
    private static void AfterPending(AwaiterWakeRelay relay, Type resource, Action<(string Name, long TaskId)> startDisposal)
    {
        var detached = CountDetached(resource);
        relay.AfterCancel(() =>
        {
            try
            {
                startDisposal(detached);
            }
            catch (Exception error)
            {
                Report(error, detached);
            }
        });
    }

    private static void ReportFailure(Task disposal, (string Name, long TaskId) detached) =>
        Report(disposal.Exception?.InnerExceptions is [var single] ? single
            : disposal.Exception ?? (Exception)new TaskCanceledException(disposal), detached);

    private static void Report(Exception error, (string Name, long TaskId) detached)
    {
        Interlocked.Increment(ref s_detachedFailed);
        RuntimeDiagnostics.ReportUnobserved(detached.TaskId, detached.Name, error);
    }
}
