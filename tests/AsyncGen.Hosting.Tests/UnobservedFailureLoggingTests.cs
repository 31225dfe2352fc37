using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The runtime's unobserved-failure hook is process-wide: hosts of parallel tests would log each other's failures.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace AsyncGen.Hosting.Tests;

public class UnobservedFailureLoggingTests
{
    private sealed class FailsAtOnce(string message) : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => throw new InvalidOperationException(message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // the handle must not stay reachable from the test's frame
    private static void SpawnAndDrop(WorkStealingExecutor executor, string message) => executor.Spawn(new FailsAtOnce(message));

    [Fact]
    public async Task A_faulted_task_nobody_awaited_is_logged_as_an_error_through_the_hosts_logger()
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddAsyncGen(options => options.WorkerCount = 1);
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<WorkStealingExecutor>();

        SpawnAndDrop(executor, "dropped failure");
        bool logged = false;
        for (int attempt = 0; attempt < 500 && !logged; attempt++)
        {
            await Task.Delay(10); // until the worker has run it
            GC.Collect();
            GC.WaitForPendingFinalizers();
            logged = logs.Entries.Any(entry => entry.Error?.Message == "dropped failure");
        }
        await host.StopAsync();

        var entry = Assert.Single(logs.Entries, entry => entry.Error?.Message == "dropped failure");
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains(nameof(FailsAtOnce), entry.Message);
    }
}
