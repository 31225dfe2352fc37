using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Hosting;

/// <summary>
/// The hosted service registered by <c>AddAsyncGen</c> ahead of the user's services, so it stops after them:
/// disposes the executor, which disposes every task still running (their <c>finally</c> blocks run on this
/// thread) and stops the workers.
/// </summary>
internal sealed partial class ExecutorLifetime(WorkStealingExecutor executor, ILogger<ExecutorLifetime> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogStarted(executor.WorkerCount);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        int left = executor.TaskCount;
        if (left > 0) LogDisposingTasks(left);
        executor.Dispose();
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Debug, "AsyncGen executor started with {WorkerCount} workers.")]
    private partial void LogStarted(int workerCount);

    [LoggerMessage(2, LogLevel.Information, "Host stopping: disposing the AsyncGen tasks not finished yet ({TaskCount} tasks; their finally blocks run).")]
    private partial void LogDisposingTasks(int taskCount);
}
