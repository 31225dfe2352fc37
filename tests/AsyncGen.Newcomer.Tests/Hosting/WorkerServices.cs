using System.Collections.Concurrent;
using System.Net;
using System.Text;
using AsyncGen.Hosting;
using AsyncGen.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Newcomer.Tests.Hosting;

/// <summary>What the workers tell the tests.</summary>
public sealed class WorkerProbe
{
    public TaskCompletionSource<int> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Log { get; } = new();
}

/// <summary>
/// The worker template, written the way a newcomer would: a loop that honours <c>stoppingToken</c> through Task
/// APIs, with children spawned by <c>Executor.Spawn</c> (not <c>SpawnDetached</c>) whose handles it keeps.
/// </summary>
public sealed partial class SupervisorWorker(WorkStealingExecutor executor, ILogger<SupervisorWorker> logger, WorkerProbe probe)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync(probe, stoppingToken);

    [PollAsync]
    private static async Future RunAsync(WorkerProbe probe, CancellationToken stoppingToken)
    {
        var children = new List<JoinHandle<int>>();
        try
        {
            for (int i = 0; i < 3; i++) children.Add(Executor.Spawn(Child(probe, i)));
            probe.Ready.SetResult(children.Count);
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken);
            }
        }
        finally
        {
            probe.Log.Enqueue("supervisor finally");
        }
    }

    [PollAsync]
    private static async Future<int> Child(WorkerProbe probe, int id)
    {
        try
        {
            var tick = Time.Interval(TimeSpan.FromMilliseconds(1));
            for (int n = 0; ; n++) await tick.Tick();
        }
        finally
        {
            probe.Log.Enqueue($"child {id} finally");
        }
    }
}

/// <summary>A TCP greeting service: the listener lives as long as the service.</summary>
public sealed partial class GreetingServer(WorkStealingExecutor executor, ILogger<GreetingServer> logger, WorkerProbe probe)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override Future ExecuteAsync(CancellationToken stoppingToken) => ServeAsync(probe);

    [PollAsync]
    private static async Future ServeAsync(WorkerProbe probe)
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        try
        {
            probe.Ready.SetResult(listener.LocalEndPoint.Port);
            while (true)
            {
                var connection = await listener.AcceptAsync();
                _ = Executor.Spawn(Greet(connection));
            }
        }
        finally
        {
            probe.Log.Enqueue("server finally");
        }
    }

    [PollAsync]
    private static async Future Greet(AsyncTcpStream connection)
    {
        using (connection)
        {
            await connection.WriteAllAsync(Encoding.ASCII.GetBytes("hello\n"));
        }
    }
}

/// <summary>Fails after its first await, as a worker with a bug does.</summary>
public sealed partial class CrashingWorker(WorkStealingExecutor executor, ILogger<CrashingWorker> logger)
    : PollAsyncBackgroundService(executor, logger)
{
    protected override Future ExecuteAsync(CancellationToken stoppingToken) => RunAsync();

    [PollAsync]
    private static async Future RunAsync()
    {
        await Future.Yield();
        throw new InvalidOperationException("the worker crashed");
    }
}

/// <summary>The same crash as a .NET BackgroundService, for comparison.</summary>
public sealed class CrashingBackgroundService : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        throw new InvalidOperationException("the worker crashed");
    }
}
