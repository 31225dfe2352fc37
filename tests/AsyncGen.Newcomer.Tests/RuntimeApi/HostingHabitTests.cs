using System.Collections.Concurrent;
using AsyncGen.Hosting;
using AsyncGen.Newcomer.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Newcomer.Tests.RuntimeApi;

/// <summary>Records what the habit workers did.</summary>
public sealed class HabitLog
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The shape of nearly every <c>BackgroundService</c> in the wild: a loop on <c>Task.Delay(period, stoppingToken)</c>,
/// <c>catch (OperationCanceledException)</c> when stopping, then graceful work after the loop (flush, say goodbye).
/// </summary>
public sealed partial class GracefulWorker(WorkStealingExecutor executor, ILogger<GracefulWorker> logger, HabitLog log)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(log, stoppingToken);

    [PollAsync]
    private static async Future RunAsync(HabitLog log, CancellationToken stoppingToken)
    {
        log.Started.TrySetResult();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            log.Lines.Enqueue("loop cancelled");
        }
        await Task.Delay(5, CancellationToken.None);
        log.Lines.Enqueue("flushed after the loop");
    }
}

/// <summary>
/// A loop on <c>Time.Interval</c> that ends through <c>stoppingToken.AsFuture()</c> in a select, then says goodbye.
/// </summary>
public sealed partial class SelectStopWorker(WorkStealingExecutor executor, ILogger<SelectStopWorker> logger, HabitLog log)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(log, stoppingToken);

    [PollAsync]
    private static async Future RunAsync(HabitLog log, CancellationToken stoppingToken)
    {
        var ticks = Time.Interval(TimeSpan.FromMilliseconds(1));
        log.Started.TrySetResult();
        while (true)
        {
            var next = await Future.Select(stoppingToken.AsFuture(), ticks.Tick());
            if (next.IsFirst) break;
        }
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        log.Lines.Enqueue("goodbye");
    }
}

/// <summary>Awaits a Task that ignores the token: the stop waits <c>StopGracePeriod</c>, then disposes it and says why.</summary>
public sealed partial class DeafWorker : PollAsyncBackgroundService
{
    private readonly HabitLog _log;

    public DeafWorker(WorkStealingExecutor executor, ILogger<DeafWorker> logger, HabitLog log) : base(executor, logger)
    {
        _log = log;
        StopGracePeriod = TimeSpan.FromMilliseconds(20);
    }

    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(_log);

    [PollAsync]
    private static async Future RunAsync(HabitLog log)
    {
        try
        {
            log.Started.TrySetResult();
            await new TaskCompletionSource().Task;
        }
        finally
        {
            log.Lines.Enqueue("deaf finally");
        }
    }
}

/// <summary>Ignores its token and sleeps on the runtime's timer: the stop disposes it at once (the AsyncGen idiom).</summary>
public sealed partial class SleepyWorker(WorkStealingExecutor executor, ILogger<SleepyWorker> logger, HabitLog log)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(log);

    [PollAsync]
    private static async Future RunAsync(HabitLog log)
    {
        try
        {
            log.Started.TrySetResult();
            await Time.Sleep(TimeSpan.FromHours(1));
        }
        finally
        {
            log.Lines.Enqueue("sleepy finally");
        }
    }
}

/// <summary>A run-once job: does its work, then asks the host to stop (a console-style worker).</summary>
public sealed partial class RunOnceJob(WorkStealingExecutor executor, ILogger<RunOnceJob> logger, HabitLog log, IHostApplicationLifetime lifetime)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(log, lifetime);

    [PollAsync]
    private static async Future RunAsync(HabitLog log, IHostApplicationLifetime lifetime)
    {
        for (int i = 0; i < 3; i++)
        {
            await Time.Sleep(TimeSpan.FromMilliseconds(1));
            log.Lines.Enqueue($"step {i}");
        }
        lifetime.StopApplication();
    }
}

/// <summary>
/// Generic-host programs written the way the <c>dotnet new worker</c> template teaches. Each test states first
/// what the same code does as a <c>BackgroundService</c>.
/// </summary>
public class HostingHabitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static IHost Build(HabitLog log, LogCapture logs, Action<IServiceCollection> add)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(log);
        builder.Services.AddAsyncGen(options => options.WorkerCount = 2);
        add(builder.Services);
        return builder.Build();
    }

    /// <summary>
    /// .NET: <c>StopAsync</c> cancels <c>stoppingToken</c> and waits for <c>ExecuteAsync</c> to return, so the
    /// catch block and the graceful work after the loop run before the host stops.
    /// </summary>
    [Fact]
    public async Task A_worker_that_honours_its_stopping_token_finishes_its_graceful_work_before_the_host_stops()
    {
        var log = new HabitLog();
        var logs = new LogCapture();
        using var host = Build(log, logs, services => services.AddHostedService<GracefulWorker>());
        await host.StartAsync();
        await log.Started.Task.WaitAsync(Limit);
        await host.StopAsync().WaitAsync(Limit);
        // Failed once in ~20 runs under load (cause not found yet): say what the host logged.
        Assert.True(log.Lines.SequenceEqual(["loop cancelled", "flushed after the loop"]),
            $"worker: [{string.Join(", ", log.Lines)}]; host: {string.Join(" | ", logs.Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"))}");
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    /// <summary>.NET: as above, with the token observed through a select instead of Task.Delay.</summary>
    [Fact]
    public async Task A_worker_that_selects_on_its_stopping_token_runs_the_code_after_its_loop()
    {
        var log = new HabitLog();
        var logs = new LogCapture();
        using var host = Build(log, logs, services => services.AddHostedService<SelectStopWorker>());
        await host.StartAsync();
        await log.Started.Task.WaitAsync(Limit);
        await host.StopAsync().WaitAsync(Limit);
        Assert.Equal(["goodbye"], log.Lines);
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    /// <summary>
    /// .NET: a worker awaiting something that ignores the token holds the stop until the shutdown timeout. Here it
    /// holds it for the service's StopGracePeriod, then its task is disposed (its finally runs) and a warning says
    /// what to change.
    /// </summary>
    [Fact]
    public async Task A_worker_that_ignores_its_token_while_awaiting_a_Task_is_disposed_after_its_grace_period_with_a_warning()
    {
        var log = new HabitLog();
        var logs = new LogCapture();
        using var host = Build(log, logs, services => services.AddHostedService<DeafWorker>());
        await host.StartAsync();
        await log.Started.Task.WaitAsync(Limit);
        await host.StopAsync().WaitAsync(Limit);
        Assert.Equal(["deaf finally"], log.Lines);
        var warning = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Contains("DeafWorker did not finish within 00:00:00.0200000", warning.Message);
        Assert.Contains("StopGracePeriod", warning.Message);
    }

    /// <summary>
    /// A worker parked on the runtime's timer cannot be woken by the token: the stop disposes it at once (its
    /// finally runs) without waiting for the grace period or warning.
    /// </summary>
    [Fact]
    public async Task A_worker_sleeping_on_a_runtime_timer_is_disposed_at_once()
    {
        var log = new HabitLog();
        var logs = new LogCapture();
        using var host = Build(log, logs, services => services.AddHostedService<SleepyWorker>());
        await host.StartAsync();
        await log.Started.Task.WaitAsync(Limit);
        // Started is set before the first await: wait until the task parks on the timer. Had the stop waited for its
        // 5 s grace period instead of disposing it at once, it would have logged a warning.
        var executor = host.Services.GetRequiredService<WorkStealingExecutor>();
        while (!executor.DumpTasks().Any(task => task.Backtrace.Count > 0 && task.Name == "RunAsyncFuture")) await Task.Delay(1);
        await host.StopAsync().WaitAsync(Limit);
        Assert.Equal(["sleepy finally"], log.Lines);
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    /// <summary>
    /// .NET: a worker that calls <c>IHostApplicationLifetime.StopApplication()</c> when its job is done makes
    /// <c>host.RunAsync()</c> return.
    /// </summary>
    [Fact]
    public async Task A_run_once_job_that_calls_StopApplication_ends_RunAsync()
    {
        var log = new HabitLog();
        var logs = new LogCapture();
        using var host = Build(log, logs, services => services.AddHostedService<RunOnceJob>());
        await host.RunAsync().WaitAsync(Limit);
        Assert.Equal(["step 0", "step 1", "step 2"], log.Lines);
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }
}
