using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Hosting.Tests;

/// <summary>Records every log entry of a host, to assert what the hosting layer logs.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Error)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>
    /// Returns once an entry of <paramref name="level"/> was logged: what detached tasks log happens on an executor
    /// thread, in their own time, so a test that stops the host first can find nothing logged yet.
    /// </summary>
    public async Task WaitForAsync(LogLevel level, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!Entries.Any(entry => entry.Level == level))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Nothing was logged at level {level} within {limit}.");
            await Task.Delay(10);
        }
    }

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, logLevel, formatter(state, exception), exception));
    }
}
