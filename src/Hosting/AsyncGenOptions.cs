namespace AsyncGen.Hosting;

/// <summary>Settings of the executor that <see cref="AsyncGenServiceCollectionExtensions.AddAsyncGen"/> registers.</summary>
public sealed class AsyncGenOptions
{
    /// <summary>Worker threads of the <see cref="WorkStealingExecutor"/>; 0 (the default) means one per processor.</summary>
    public int WorkerCount { get; set; }

    /// <summary>
    /// Flow the spawner's <see cref="ExecutionContext"/> into every task (<see cref="WorkStealingExecutor.FlowExecutionContext"/>),
    /// so logging scopes and <c>Activity.Current</c> reach task code. Off by default: it costs an object per spawn and
    /// two context swaps per poll.
    /// </summary>
    public bool FlowExecutionContext { get; set; }

    /// <summary>
    /// Stop the host (<c>IHostApplicationLifetime.StopApplication</c>) when the <c>ExecuteAsync</c> future of a
    /// <see cref="PollAsyncBackgroundService"/> fails, as the host does for a failing <c>BackgroundService</c> under
    /// its default <c>HostOptions.BackgroundServiceExceptionBehavior</c> (<c>StopHost</c>). True by default; false
    /// logs the failure and keeps the host running (<c>Ignore</c>). A separate setting because <c>HostOptions</c>
    /// lives in Microsoft.Extensions.Hosting, which this package does not depend on.
    /// </summary>
    public bool StopHostOnServiceFailure { get; set; } = true;
}
