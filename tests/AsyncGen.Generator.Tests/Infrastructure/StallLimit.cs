namespace AsyncGen.Generator.Tests;

/// <summary>How long a test waits for work running on other threads before calling it a hang.</summary>
internal static class StallLimit
{
    /// <summary>
    /// Generous on purpose: it turns a lost wake-up into a failure instead of a hung run, and nothing else. An
    /// <c>async Task</c> twin whose finally awaits <c>Task.Yield</c> once took more than 20 s at load average 40
    /// (thread pool threads starved by the other test classes), so a tighter bound fails on busy machines.
    /// </summary>
    public static readonly TimeSpan Value = TimeSpan.FromSeconds(120);
}
