using System.Net;
using System.Net.Sockets;
using AsyncGen.Diagnostics;
using AsyncGen.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Newcomer.Tests.Hosting;

/// <summary>
/// Workers on the generic host (samples/Worker's setup): stopping the host runs every finally block — of the
/// service and of the tasks it spawned — before <c>StopAsync</c> returns, and nothing is logged as a problem.
/// </summary>
public class HostedWorkerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static (IHost Host, WorkerProbe Probe, LogCapture Logs) Build(Action<IServiceCollection> addWorkers)
    {
        var logs = new LogCapture();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        var probe = new WorkerProbe();
        builder.Services.AddSingleton(probe);
        builder.Services.AddAsyncGen(options => options.WorkerCount = 2);
        addWorkers(builder.Services);
        return (builder.Build(), probe, logs);
    }

    [Fact]
    public async Task Stopping_the_host_runs_the_finally_blocks_of_the_worker_and_of_its_spawned_children()
    {
        var (host, probe, logs) = Build(services => services.AddHostedService<SupervisorWorker>());
        using (host)
        {
            await host.StartAsync();
            Assert.Equal(3, await probe.Ready.Task.WaitAsync(Limit));
            await host.StopAsync();
        }
        Assert.Equal(
            ["child 0 finally", "child 1 finally", "child 2 finally", "supervisor finally"],
            probe.Log.Order());
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task The_task_dump_of_the_hosts_executor_names_the_worker_and_shows_where_it_waits()
    {
        var (host, probe, _) = Build(services => services.AddHostedService<SupervisorWorker>());
        using (host)
        {
            await host.StartAsync();
            await probe.Ready.Task.WaitAsync(Limit);
            var executor = host.Services.GetRequiredService<WorkStealingExecutor>();
            // A best-effort snapshot while the workers run: look until the worker is parked at its await.
            TaskSnapshot? worker = null;
            var deadline = DateTime.UtcNow + Limit;
            while (worker is null && DateTime.UtcNow < deadline)
            {
                worker = executor.DumpTasks().FirstOrDefault(task => task.Name == "RunAsyncFuture" && task.Backtrace.Count > 0);
                if (worker is null) Thread.Yield();
            }
            Assert.True(worker is not null, TaskSnapshot.Format(executor.DumpTasks()));
            Assert.Contains("SupervisorWorker.RunAsync", AsyncBacktrace.Format(worker.Backtrace));
            Assert.Equal(3, executor.DumpTasks().Count(task => task.Name == "ChildFuture"));
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_TCP_service_answers_while_the_host_runs_and_closes_its_listener_when_it_stops()
    {
        var (host, probe, logs) = Build(services => services.AddHostedService<GreetingServer>());
        int port;
        using (host)
        {
            await host.StartAsync();
            port = await probe.Ready.Task.WaitAsync(Limit);
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                using var reader = new StreamReader(client.GetStream());
                Assert.Equal("hello", await reader.ReadLineAsync().WaitAsync(Limit));
            }
            await host.StopAsync();
        }
        Assert.Equal(["server finally"], probe.Log);
        using var late = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Limit));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_crashing_worker_is_logged_with_its_exception()
    {
        var (host, _, logs) = Build(services => services.AddHostedService<CrashingWorker>());
        using (host)
        {
            await host.StartAsync();
            var worker = host.Services.GetServices<IHostedService>().OfType<CrashingWorker>().Single();
            await Assert.ThrowsAsync<InvalidOperationException>(() => worker.ExecuteTask!.WaitAsync(Limit));
            await host.StopAsync();
        }
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Error && entry.Error?.Message == "the worker crashed");
    }

    [Fact]
    public async Task A_crashing_worker_stops_the_host_as_a_crashing_BackgroundService_does()
    {
        // .NET 6+: HostOptions.BackgroundServiceExceptionBehavior defaults to StopHost.
        foreach (var addWorker in new Action<IServiceCollection>[]
                 {
                     services => services.AddHostedService<CrashingBackgroundService>(),
                     services => services.AddHostedService<CrashingWorker>(),
                 })
        {
            var (host, _, _) = Build(addWorker);
            using (host)
            {
                var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
                lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
                await host.StartAsync();
                await stopping.Task.WaitAsync(Limit);
                await host.StopAsync();
            }
        }
    }
}
