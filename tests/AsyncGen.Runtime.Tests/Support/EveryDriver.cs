using AsyncGen.Drivers;

namespace AsyncGen.Runtime.Tests.Support;

/// <summary>
/// Theory data: every I/O driver this machine can run. A socket test takes an <see cref="IoDriverKind"/> and starts
/// with <c>using var onDriver = TestDriver.Use(driver);</c>, so its executors (BlockOn's included) run on it.
/// </summary>
public sealed class EveryDriver : TheoryData<IoDriverKind>
{
    public EveryDriver()
    {
        Add(IoDriverKind.Epoll);
        Add(IoDriverKind.IoUring);
        Add(IoDriverKind.Portable); // System.Net.Sockets completions: what Windows and macOS run, forced here
    }
}

/// <summary>Makes executors created on the calling thread use one driver (see <see cref="EveryDriver"/>).</summary>
public static class TestDriver
{
    public static IDisposable Use(IoDriverKind driver) => DriverFactory.UseOnThisThread(driver);
}
