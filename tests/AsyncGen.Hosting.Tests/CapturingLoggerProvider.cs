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
    public Task WaitForAsync(LogLevel level, TimeSpan limit) =>
        WaitForAsync(entry => entry.Level == level, $"at level {level}", limit);

    /// <summary>Returns once an entry of <paramref name="level"/> containing <paramref name="text"/> was logged.</summary>
    public Task WaitForAsync(LogLevel level, string text, TimeSpan limit) =>
        WaitForAsync(entry => entry.Level == level && entry.Message.Contains(text), $"at level {level} containing '{text}'", limit);

    private async Task WaitForAsync(
        Func<(string Category, LogLevel Level, string Message, Exception? Error), bool> match, string what, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!Entries.Any(match))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Nothing was logged {what} within {limit}.");
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
