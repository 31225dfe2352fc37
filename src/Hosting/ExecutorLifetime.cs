using AsyncGen.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Hosting;

/// <summary>
/// The hosted service registered by <c>AddAsyncGen</c> ahead of the user's services, so it stops after them:
/// logs the runtime's unobserved task failures while the host runs, stops the host when a
/// <see cref="PollAsyncBackgroundService"/> fails (<see cref="AsyncGenOptions.StopHostOnServiceFailure"/>), and at
/// stop lets the detached cleanups of cancelled tasks finish, then disposes the executor, which disposes every task
/// still running (their <c>finally</c> blocks run on this thread) and stops the workers.
/// </summary>
/// <remarks>
/// <para><see cref="RuntimeDiagnostics.UnobservedTaskFailure"/> is process-wide: a host logs every faulted task
/// collected without having been awaited, whichever executor ran it.</para>
/// <para>The host watches the <c>ExecuteTask</c> of each <c>BackgroundService</c> only; this service does the same
/// for the <see cref="PollAsyncBackgroundService"/>s once every hosted service has started (<see cref="StartedAsync"/>),
/// resolving them then, as they are hosted services themselves. The application lifetime is resolved the same way:
/// a bare service provider (no host) has none, and then there is no host to stop.</para>
/// <para><b>Cleanups at stop.</b> A task aborted while suspended in a <c>try</c> whose <c>finally</c> awaits finishes
/// that block before it completes (in place), and a future disposed there finishes it in a task of its own
/// (<see cref="CancelledCleanup"/>): stopping a service starts such cleanups, and a service's own stop waits for its
/// task. Disposing the executor would cut the others at their await, so <see cref="StopAsync"/> first waits until none
/// is running (<see cref="CancelledCleanup.WhenNoneRunning"/>, signalled by the last one's end), for at most the host's
/// shutdown timeout (its token), as an ASP.NET developer expects of <c>StopAsync</c>. The count is process-wide: a cleanup on another executor of the process
/// also delays the stop, within the same timeout. Cleanups still running at the timeout are logged (a warning) and
/// cut by the disposal, each reported as <c>CancelledFinallySkipped</c>.</para>
/// </remarks>
internal sealed partial class ExecutorLifetime(
    WorkStealingExecutor executor,
    AsyncGenOptions options,
    IServiceProvider services,
    ILogger<ExecutorLifetime> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        RuntimeDiagnostics.UnobservedTaskFailure += OnUnobservedTaskFailure;
        LogStarted(executor.WorkerCount);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!options.StopHostOnServiceFailure) return Task.CompletedTask;
        var lifetime = services.GetService<IHostApplicationLifetime>();
        if (lifetime is null) return Task.CompletedTask;
        foreach (var service in services.GetServices<IHostedService>().OfType<PollAsyncBackgroundService>())
        {
            if (service.ExecuteTask is { } task) _ = StopHostOnFailureAsync(service.GetType().Name, task, lifetime);
        }
        return Task.CompletedTask;
    }

    /// <summary>A failure stops the host; a return, or a cancellation (the host stopping it), does not.</summary>
    private async Task StopHostOnFailureAsync(string service, Task task, IHostApplicationLifetime lifetime)
    {
        await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!task.IsFaulted) return;
        LogStoppingHost(service); // the failure itself was logged, with its exception, by the service's own logger
        lifetime.StopApplication();
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WaitForDetachedCleanupsAsync(cancellationToken).ConfigureAwait(false);
            int left = executor.TaskCount;
            if (left > 0) LogDisposingTasks(left);
            executor.Dispose();
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= OnUnobservedTaskFailure;
        }
    }

    /// <summary>Waits until no detached cleanup runs, or until the host's shutdown timeout (<paramref name="timeout"/>).</summary>
    private async Task WaitForDetachedCleanupsAsync(CancellationToken timeout)
    {
        long running = CancelledCleanup.Running;
        if (running == 0) return;
        LogWaitingForCleanups(running);
        // Completed by the last cleanup's end (on a pool thread), not looked at on a timer.
        await CancelledCleanup.WhenNoneRunning().WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        running = CancelledCleanup.Running;
        if (running > 0) LogCleanupsCut(running);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnUnobservedTaskFailure(object? sender, UnobservedTaskFailureEventArgs failure) =>
        LogUnobserved(failure.Exception, failure.TaskId, failure.TaskName);

    [LoggerMessage(1, LogLevel.Debug, "AsyncGen executor started with {WorkerCount} workers.")]
    private partial void LogStarted(int workerCount);

    [LoggerMessage(2, LogLevel.Information, "Host stopping: disposing the AsyncGen tasks not finished yet ({TaskCount} tasks; their finally blocks run).")]
    private partial void LogDisposingTasks(int taskCount);

    [LoggerMessage(3, LogLevel.Error, "AsyncGen task {TaskId} ({TaskName}) failed and nobody awaited its join handle.")]
    private partial void LogUnobserved(Exception error, long taskId, string taskName);

    [LoggerMessage(5, LogLevel.Information, "Host stopping: waiting for {CleanupCount} finally blocks of cancelled AsyncGen tasks to finish before disposing the executor.")]
    private partial void LogWaitingForCleanups(long cleanupCount);

    [LoggerMessage(6, LogLevel.Warning, "Host shutdown timeout: {CleanupCount} finally blocks of cancelled AsyncGen tasks are still running and are cut by the executor's disposal (each reported as CancelledFinallySkipped).")]
    private partial void LogCleanupsCut(long cleanupCount);

    [LoggerMessage(4, LogLevel.Critical, "The AsyncGen service {Service} failed: stopping the host (AsyncGenOptions.StopHostOnServiceFailure).")]
    private partial void LogStoppingHost(string service);
}
