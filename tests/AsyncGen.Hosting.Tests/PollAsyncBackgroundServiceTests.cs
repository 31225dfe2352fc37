using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsyncGen.Hosting.Tests;

public class PollAsyncBackgroundServiceTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static (IHost Host, Probe Probe, CapturingLoggerProvider Logs) Build<TService>(bool stopHostOnServiceFailure = true)
        where TService : class, IHostedService
    {
        var logs = new CapturingLoggerProvider();
        var probe = new Probe();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(probe);
        builder.Services.AddAsyncGen(options =>
        {
            options.WorkerCount = 2;
            options.StopHostOnServiceFailure = stopHostOnServiceFailure;
        });
        builder.Services.AddHostedService<TService>();
        return (builder.Build(), probe, logs);
    }

    [Fact]
    public void AddAsyncGen_registers_one_executor_with_the_configured_workers_and_keeps_the_first_registration()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAsyncGen(options => options.WorkerCount = 3);
        services.AddAsyncGen(options => options.WorkerCount = 1);
        using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<WorkStealingExecutor>();
        Assert.Same(executor, provider.GetRequiredService<WorkStealingExecutor>());
        Assert.Equal(3, executor.WorkerCount);
        Assert.False(executor.FlowExecutionContext);
        Assert.Single(provider.GetServices<IHostedService>());
    }

    [Fact]
    public async Task With_FlowExecutionContext_a_logging_scope_of_the_spawner_reaches_task_code()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAsyncGen(options => options.FlowExecutionContext = true);
        using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<WorkStealingExecutor>();
        var scopes = new LoggerExternalScopeProvider();
        using (scopes.Push("request 42"))
        {
            var seen = executor.SpawnAsTask(ScopesSeen(scopes));
            Assert.Equal(["request 42"], await seen.WaitAsync(Limit));
        }
        executor.Dispose();
    }

    private static async Future<List<string>> ScopesSeen(LoggerExternalScopeProvider scopes)
    {
        await Future.Yield();
        var seen = new List<string>();
        scopes.ForEachScope((scope, list) => list.Add(scope!.ToString()!), seen);
        return seen;
    }

    [Fact]
    public async Task Stopping_the_host_disposes_the_running_service_so_its_finally_block_runs()
    {
        var (host, probe, logs) = Build<WaitingService>();
        using (host)
        {
            await host.StartAsync();
            await probe.Started.Task.WaitAsync(Limit);
            var service = host.Services.GetServices<IHostedService>().OfType<WaitingService>().Single();
            Assert.Empty(probe.Log);

            await host.StopAsync();
            Assert.Equal(["service finally"], probe.Log);
            Assert.True(service.ExecuteTask!.IsCanceled);
        }
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Stopping_the_host_lets_a_finally_block_that_awaits_finish_before_the_executor_is_disposed()
    {
        var (host, probe, logs) = Build<AwaitingFinallyService>();
        // The block waits until the stop is seen waiting for it: with a fixed sleep, a stop slowed down (a cold JIT
        // on a loaded machine) could find the block already finished and have nothing to wait for.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        probe.FinallyGate = gate.Task;
        using (host)
        {
            await host.StartAsync();
            await probe.Started.Task.WaitAsync(Limit);

            var stopping = host.StopAsync(); // the default shutdown timeout (30 s) is far longer than this test
            // The aborted task finishes its finally block in place: the service's stop waits for the task's end.
            Assert.True(SpinWait.SpinUntil(() => probe.Log.Contains("finally started"), Limit), "the finally block never started");
            Assert.Equal(["finally started"], probe.Log);
            Assert.False(stopping.IsCompleted);
            gate.SetResult();
            await stopping;
            // Before the stop waited for cleanups, the executor's disposal cut the block at its await.
            Assert.Equal(["finally started", "finally finished"], probe.Log);
        }
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task At_the_shutdown_timeout_a_finally_block_still_waiting_is_cut_and_a_warning_says_so()
    {
        var (host, probe, logs) = Build<AwaitingFinallyService>();
        probe.FinallyWait = Timeout.InfiniteTimeSpan;
        using (host)
        {
            await host.StartAsync();
            await probe.Started.Task.WaitAsync(Limit);

            using var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await host.StopAsync(shutdownTimeout.Token);
            Assert.Equal(["finally started"], probe.Log);
        }
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("still running and are cut"));
    }

    [Fact]
    public async Task A_service_failure_is_logged_as_an_error_with_its_exception_and_the_host_keeps_running()
    {
        var (host, probe, logs) = Build<FailingService>();
        using (host)
        {
            await host.StartAsync();
            await probe.Started.Task.WaitAsync(Limit);
            var service = host.Services.GetServices<IHostedService>().OfType<FailingService>().Single();
            await Assert.ThrowsAsync<InvalidDataException>(() => service.ExecuteTask!.WaitAsync(Limit));
            await host.StopAsync();
        }
        var error = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Same(FailingService.Failure, error.Error);
        Assert.Contains(nameof(FailingService), error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_failing_service_stops_the_host_as_a_failing_BackgroundService_does_unless_switched_off(bool stopHost)
    {
        var (host, probe, logs) = Build<FailingService>(stopHost);
        using (host)
        {
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
            await host.StartAsync();
            var service = host.Services.GetServices<IHostedService>().OfType<FailingService>().Single();
            await Assert.ThrowsAsync<InvalidDataException>(() => service.ExecuteTask!.WaitAsync(Limit));
            if (stopHost) await stopping.Task.WaitAsync(Limit);
            await host.StopAsync();
        }
        var critical = logs.Entries.Where(entry => entry.Level == LogLevel.Critical).ToList();
        if (stopHost) Assert.Contains(nameof(FailingService), Assert.Single(critical).Message);
        else Assert.Empty(critical);
    }

    [Fact]
    public async Task Detached_task_failures_are_logged_and_tasks_still_running_at_stop_are_disposed_with_the_executor()
    {
        var (host, probe, logs) = Build<SpawningService>();
        using (host)
        {
            await host.StartAsync();
            await probe.Started.Task.WaitAsync(Limit);
            // The failing child fails at its second poll, which a loaded machine can delay past a stop right now
            // (then it is disposed unfinished, and nothing is logged).
            await logs.WaitForAsync(LogLevel.Error, Limit);
            await host.StopAsync();
        }
        Assert.Contains("child finally", probe.Log);
        var error = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Same(SpawningService.Failure, error.Error);
        Assert.Contains("failing child", error.Message);
    }

    [Fact]
    public async Task A_PollAsync_override_runs_on_the_fallback_builder_and_says_so_in_a_warning()
    {
        var (host, probe, logs) = Build<OverrideService>();
        using (host)
        {
            await host.StartAsync();
            await probe.Started.Task.WaitAsync(Limit);
            await host.StopAsync();
        }
        var warning = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Contains("fallback builder", warning.Message);
        Assert.Contains(nameof(OverrideService), warning.Message);
    }

    [Fact]
    public async Task An_infinite_grace_period_lets_a_service_observing_its_token_finish_its_graceful_work()
    {
        var (host, probe, logs) = Build<UnlimitedGraceService>();
        using (host)
        {
            await host.StartAsync();
            await probe.Started.Task.WaitAsync(Limit);
            await host.StopAsync().WaitAsync(Limit);
        }
        Assert.Equal(["graceful work"], probe.Log);
        Assert.DoesNotContain(logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData(-2L)]
    [InlineData(4_294_967_295L)] // one past Task.WaitAsync's longest wait
    [InlineData(long.MaxValue)]  // TimeSpan.MaxValue, in ticks below
    public void A_grace_period_that_the_stop_could_not_wait_is_refused_at_configuration_with_what_is_allowed(long milliseconds)
    {
        var period = milliseconds == long.MaxValue ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(milliseconds);
        using var executor = new WorkStealingExecutor(1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GracePeriodService(executor, NullLogger.Instance, period));
        Assert.Equal("StopGracePeriod", error.ParamName);
        Assert.Contains("Timeout.InfiniteTimeSpan", error.Message);
        Assert.Contains("TimeSpan.Zero", error.Message);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]            // Timeout.InfiniteTimeSpan
    [InlineData(4_294_967_294L)] // the longest finite wait
    public void Zero_infinite_and_the_longest_finite_grace_period_are_accepted(long milliseconds)
    {
        using var executor = new WorkStealingExecutor(1);
        using var service = new GracePeriodService(executor, NullLogger.Instance, TimeSpan.FromMilliseconds(milliseconds));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), service.GracePeriod);
    }
}
