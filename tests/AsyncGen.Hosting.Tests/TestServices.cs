using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Hosting.Tests;

/// <summary>What the test services report to the tests.</summary>
public sealed class Probe
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>How long <see cref="AwaitingFinallyService"/>'s finally block waits.</summary>
    public TimeSpan FinallyWait { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>When set, what <see cref="AwaitingFinallyService"/>'s finally block waits for instead of <see cref="FinallyWait"/>.</summary>
    public Task? FinallyGate { get; set; }
}

/// <summary>Waits forever inside try/finally; the finally must run when the host stops.</summary>
public sealed partial class WaitingService(WorkStealingExecutor executor, ILogger<WaitingService> logger, Probe probe)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(probe);

    [PollAsync]
    private static async Future RunAsync(Probe probe)
    {
        try
        {
            probe.Started.SetResult();
            await Time.Sleep(Timeout.InfiniteTimeSpan);
        }
        finally
        {
            probe.Log.Enqueue("service finally");
        }
    }
}

/// <summary>Fails after its first await.</summary>
public sealed partial class FailingService(WorkStealingExecutor executor, ILogger<FailingService> logger, Probe probe)
    : PollAsyncBackgroundService(executor, logger)
{
    public static readonly InvalidDataException Failure = new("the service failed");

    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(probe);

    [PollAsync]
    private static async Future RunAsync(Probe probe)
    {
        await Future.Yield();
        probe.Started.SetResult();
        throw Failure;
    }
}

/// <summary>Spawns a detached task that fails, and one that waits in try/finally.</summary>
public sealed partial class SpawningService(WorkStealingExecutor executor, ILogger<SpawningService> logger, Probe probe)
    : PollAsyncBackgroundService(executor, logger)
{
    public static readonly InvalidDataException Failure = new("the detached task failed");

    protected override Future ExecuteAsync(CancellationToken stoppingToken)
    {
        SpawnDetached(Fails(), "failing child");
        SpawnDetached(WaitsForever(probe), "waiting child");
        return Done(probe);
    }

    [PollAsync]
    private static async Future Done(Probe probe)
    {
        await Future.Yield();
        probe.Started.SetResult();
    }

    [PollAsync]
    private static async Future<int> Fails()
    {
        await Future.Yield();
        throw Failure;
    }

    [PollAsync]
    private static async Future WaitsForever(Probe probe)
    {
        try
        {
            await Time.Sleep(Timeout.InfiniteTimeSpan);
        }
        finally
        {
            probe.Log.Enqueue("child finally");
        }
    }
}

/// <summary>[PollAsync] on the override itself: a virtual call, so it runs on the fallback builder.</summary>
public sealed class OverrideService(WorkStealingExecutor executor, ILogger<OverrideService> logger, Probe probe)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override async Future ExecuteAsync(CancellationToken stoppingToken)
    {
        await Future.Yield();
        probe.Started.SetResult();
    }
}

/// <summary>
/// Waits inside a try whose finally awaits (<paramref name="probe"/>'s <see cref="Probe.FinallyWait"/>): stopping
/// the host aborts its task there, which finishes the finally block before it completes (in place).
/// </summary>
public sealed partial class AwaitingFinallyService(WorkStealingExecutor executor, ILogger<AwaitingFinallyService> logger, Probe probe)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(probe);

    [PollAsync]
    private static async Future RunAsync(Probe probe)
    {
        try
        {
            probe.Started.SetResult();
            await Time.Sleep(Timeout.InfiniteTimeSpan);
        }
        finally
        {
            probe.Log.Enqueue("finally started");
            if (probe.FinallyGate is { } gate) await gate.AsFuture();
            else await Time.Sleep(probe.FinallyWait);
            probe.Log.Enqueue("finally finished");
        }
    }
}

/// <summary>
/// Waits on its stopping token (a Task that the token completes) with <see cref="Timeout.InfiniteTimeSpan"/> as its
/// grace period: the stop lets its graceful work after the cancellation run, however long the host allows.
/// </summary>
public sealed partial class UnlimitedGraceService : PollAsyncBackgroundService
{
    private readonly Probe _probe;

    public UnlimitedGraceService(WorkStealingExecutor executor, ILogger<UnlimitedGraceService> logger, Probe probe) : base(executor, logger)
    {
        _probe = probe;
        StopGracePeriod = Timeout.InfiniteTimeSpan;
    }

    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(_probe, stoppingToken);

    [PollAsync]
    private static async Future RunAsync(Probe probe, CancellationToken stoppingToken)
    {
        try
        {
            probe.Started.SetResult();
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            probe.Log.Enqueue("graceful work");
        }
    }
}

/// <summary>Sets <see cref="PollAsyncBackgroundService.StopGracePeriod"/> to what its constructor is given.</summary>
public sealed class GracePeriodService : PollAsyncBackgroundService
{
    public GracePeriodService(WorkStealingExecutor executor, ILogger logger, TimeSpan gracePeriod) : base(executor, logger) =>
        StopGracePeriod = gracePeriod;

    public TimeSpan GracePeriod => StopGracePeriod;

    protected override Future ExecuteAsync(CancellationToken stoppingToken) => throw new NotSupportedException("never started");
}
