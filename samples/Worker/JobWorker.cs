using AsyncGen;
using AsyncGen.Hosting;
using AsyncGen.Sync;

namespace Worker;

/// <summary>
/// The worker template's "log every second" loop as a [PollAsync] pipeline: a detached producer task sends a job
/// number each tick into a bounded channel, and the service consumes them with <c>await foreach</c>. Ctrl+C
/// (SIGINT) or SIGTERM stops the host: the service's future is disposed, so its <c>finally</c> block runs and logs.
/// </summary>
public sealed partial class JobWorker(WorkStealingExecutor executor, ILogger<JobWorker> logger)
    : PollAsyncBackgroundService(executor, logger)
{
    /// <summary>Tick period; <c>Worker:PeriodMs</c> in configuration would be the place for it in a real service.</summary>
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync();

    [PollAsync]
    private async Future RunAsync()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(16);
        var producer = SpawnDetached(ProduceAsync(sender), "job producer");
        try
        {
            LogStarted();
            await foreach (var job in receiver)
            {
                LogJob(job, DateTimeOffset.Now);
            }
        }
        finally
        {
            producer.Abort();
            LogCleanup();
        }
    }

    [PollAsync]
    private static async Future ProduceAsync(ChannelSender<int> jobs)
    {
        using (jobs)
        {
            var ticks = Time.Interval(Period);
            for (int job = 1; ; job++)
            {
                await ticks.Tick();
                if (!await jobs.Send(job)) return;
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Worker started; processing jobs.")]
    private partial void LogStarted();

    [LoggerMessage(2, LogLevel.Information, "Job {Job} processed at {Time}.")]
    private partial void LogJob(int job, DateTimeOffset time);

    [LoggerMessage(3, LogLevel.Information, "Worker cleanup ran (finally block).")]
    private partial void LogCleanup();
}
