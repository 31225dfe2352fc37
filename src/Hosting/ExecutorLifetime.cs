using AsyncGen.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Hosting;

/// <summary>
/// The hosted service registered by <c>AddAsyncGen</c> ahead of the user's services, so it stops after them:
/// logs the runtime's unobserved task failures while the host runs, and at stop disposes the executor, which
/// disposes every task still running (their <c>finally</c> blocks run on this thread) and stops the workers.
/// </summary>
/// <remarks><see cref="RuntimeDiagnostics.UnobservedTaskFailure"/> is process-wide: a host logs every faulted task
/// collected without having been awaited, whichever executor ran it.</remarks>
internal sealed partial class ExecutorLifetime(WorkStealingExecutor executor, ILogger<ExecutorLifetime> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        RuntimeDiagnostics.UnobservedTaskFailure += OnUnobservedTaskFailure;
        LogStarted(executor.WorkerCount);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            int left = executor.TaskCount;
            if (left > 0) LogDisposingTasks(left);
            executor.Dispose();
        }
        finally
        {
            RuntimeDiagnostics.UnobservedTaskFailure -= OnUnobservedTaskFailure;
        }
        return Task.CompletedTask;
    }

    private void OnUnobservedTaskFailure(object? sender, UnobservedTaskFailureEventArgs failure) =>
        LogUnobserved(failure.Exception, failure.TaskId, failure.TaskName);

    [LoggerMessage(1, LogLevel.Debug, "AsyncGen executor started with {WorkerCount} workers.")]
    private partial void LogStarted(int workerCount);

    [LoggerMessage(2, LogLevel.Information, "Host stopping: disposing the AsyncGen tasks not finished yet ({TaskCount} tasks; their finally blocks run).")]
    private partial void LogDisposingTasks(int taskCount);

    [LoggerMessage(3, LogLevel.Error, "AsyncGen task {TaskId} ({TaskName}) failed and nobody awaited its join handle.")]
    private partial void LogUnobserved(Exception error, long taskId, string taskName);
}
