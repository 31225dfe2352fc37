using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AsyncGen.Hosting;

/// <summary>Registers AsyncGen in a generic host's service collection.</summary>
public static class AsyncGenServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="WorkStealingExecutor"/> (a singleton, injectable) that
    /// <see cref="PollAsyncBackgroundService"/>s run on, and the hosted service that shuts it down last: at host
    /// stop, after every background service has stopped, the tasks still running on the executor are disposed
    /// (their <c>finally</c> blocks run) and counted in the log.
    /// </summary>
    /// <remarks>Call it before adding the background services (<c>AddHostedService</c>): hosted services stop in
    /// reverse order of registration, and the executor must stop after the services that use it. Calling it twice
    /// keeps the first registration.</remarks>
    public static IServiceCollection AddAsyncGen(this IServiceCollection services, Action<AsyncGenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new AsyncGenOptions();
        configure?.Invoke(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WorkerCount, nameof(AsyncGenOptions.WorkerCount));
        services.TryAddSingleton(options);
        services.TryAddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<AsyncGenOptions>();
            return new WorkStealingExecutor(settings.WorkerCount) { FlowExecutionContext = settings.FlowExecutionContext };
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExecutorLifetime>());
        return services;
    }
}
