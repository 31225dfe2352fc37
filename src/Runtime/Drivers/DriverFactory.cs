using AsyncGen.Diagnostics;
using System.Runtime.InteropServices;
using AsyncGen.Drivers.Epoll;
using AsyncGen.Drivers.IoUring;
using AsyncGen.Drivers.Portable;

namespace AsyncGen.Drivers;

/// <summary>
/// Chooses and builds an executor's I/O driver: the options' choice, else <c>ASYNCGEN_DRIVER</c>, else the best
/// this system has. A driver that cannot be built falls back to the next best, visibly: one
/// <see cref="AsyncGenEventSource.DriverFallback"/> event and <see cref="FallbackCount"/> + 1 per fallback.
/// </summary>
internal static class DriverFactory
{
    private static long s_fallbacks;
    [ThreadStatic] private static IoDriverKind t_threadDefault; // Auto: none (see UseOnThisThread)

    /// <summary>How many drivers fell back to a weaker one in this process (tests assert the fallback is visible).</summary>
    public static long FallbackCount => Interlocked.Read(ref s_fallbacks);

    /// <summary>The I/O driver for a new executor.</summary>
    public static IIoDriver Create(DriverOptions options)
    {
        var requested = options.Driver != IoDriverKind.Auto ? options.Driver : t_threadDefault;
        return Create(Resolve(requested, Environment.GetEnvironmentVariable(DriverOptions.EnvironmentVariable), IsLinux(options)), options);
    }

    /// <summary>
    /// Tests: until the scope is disposed, executors created on this thread whose options say Auto get
    /// <paramref name="kind"/>, so one test body runs on every driver (theory data) without threading options
    /// through every <c>Executor.BlockOn</c>.
    /// </summary>
    internal static ThreadDefaultScope UseOnThisThread(IoDriverKind kind)
    {
        var previous = t_threadDefault;
        t_threadDefault = kind;
        return new ThreadDefaultScope(previous);
    }

    /// <summary>Restores the thread's previous default driver.</summary>
    internal readonly struct ThreadDefaultScope(IoDriverKind previous) : IDisposable
    {
        public void Dispose() => t_threadDefault = previous;
    }

    /// <summary>
    /// The driver <paramref name="requested"/> means: itself unless Auto, then the environment's choice, then the
    /// best for this operating system.
    /// </summary>
    /// <param name="requested">The options' driver (or the thread's test default).</param>
    /// <param name="environment">The value of <see cref="DriverOptions.EnvironmentVariable"/>, or null.</param>
    /// <param name="linux">Whether the system is Linux; null: ask the real one.</param>
    /// <exception cref="InvalidOperationException">The environment variable names no driver.</exception>
    public static IoDriverKind Resolve(IoDriverKind requested, string? environment, bool? linux = null)
    {
        if (requested != IoDriverKind.Auto) return requested;
        if (!string.IsNullOrWhiteSpace(environment))
        {
            return environment.Trim().ToLowerInvariant() switch
            {
                "epoll" => IoDriverKind.Epoll,
                "io_uring" or "iouring" => IoDriverKind.IoUring,
                "portable" => IoDriverKind.Portable,
                _ => throw new InvalidOperationException(
                    $"{DriverOptions.EnvironmentVariable}='{environment}' names no driver: use epoll, io_uring or " +
                    "portable, or unset it to let AsyncGen choose."),
            };
        }
        // io_uring wherever the kernel allows it (Create falls back to epoll, visibly, where it does not).
        return (linux ?? OperatingSystem.IsLinux()) ? IoDriverKind.IoUring : IoDriverKind.Portable;
    }

    /// <remarks>
    /// Linux's drivers are built only on Linux: elsewhere a request for one falls back to the portable driver
    /// (visibly), before anything calls the Linux-only syscalls.
    /// </remarks>
    private static IIoDriver Create(IoDriverKind kind, DriverOptions options)
    {
        switch (kind)
        {
            case IoDriverKind.Epoll:
                if (IsLinux(options)) return new EpollDriver();
                ReportFallback(kind, IoDriverKind.Portable, NotLinux);
                return new PortableDriver();
            case IoDriverKind.IoUring:
            {
                if (!IsLinux(options))
                {
                    ReportFallback(kind, IoDriverKind.Portable, NotLinux);
                    return new PortableDriver();
                }
                IoUringDriver? driver = null;
                int errno = options.SimulatedIoUringErrno != 0
                    ? options.SimulatedIoUringErrno
                    : IoUringDriver.TryCreate(options.IoUringEntries, out driver, options.SimulateIoUringOptionalFlagsRefused,
                        options.SimulatedIoUringFileTableErrno);
                if (errno == 0)
                {
                    driver!.SimulatedWorkerRingErrno = options.SimulatedWorkerRingErrno;
                    driver.SimulateSingleIssuerRefused = options.SimulateIoUringSingleIssuerRefused;
                    driver.BatchedWorkerRings = options.BatchedWorkerRings
                        || Environment.GetEnvironmentVariable(DriverOptions.BatchedWorkerRingsVariable) == "1";
                    driver.ReceiveOnAcceptingRing = options.ReceiveOnAcceptingRing
                        || Environment.GetEnvironmentVariable(DriverOptions.ReceiveOnAcceptingRingVariable) == "1";
                    return driver;
                }
                ReportFallback(kind, IoDriverKind.Epoll, IoUringUnavailable(errno));
                return new EpollDriver();
            }
            default:
                return new PortableDriver();
        }
    }

    private static bool IsLinux(DriverOptions options) => OperatingSystem.IsLinux() && !options.SimulateNotLinux;

    private static string NotLinux =>
        $"{RuntimeInformation.OSDescription} is not Linux: epoll and io_uring exist only there";

    /// <summary>Why io_uring_setup (or the buffer ring) failed, in words a reader of the event can act on.</summary>
    internal static string IoUringUnavailable(int errno) => errno switch
    {
        IoUringNative.ENOSYS => "io_uring_setup: ENOSYS, the kernel has no io_uring (or it is not a Linux kernel)",
        IoUringNative.EPERM => "io_uring_setup: EPERM, io_uring is disabled (sysctl kernel.io_uring_disabled) or blocked by a seccomp filter",
        IoUringNative.EINVAL => "EINVAL: this kernel lacks a required io_uring feature (5.19+: provided buffer rings, EXT_ARG, NODROP)",
        _ => $"io_uring setup failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})",
    };

    /// <summary>Records one fallback: the event for people watching, the counter for tests.</summary>
    public static void ReportFallback(IoDriverKind requested, IoDriverKind chosen, string reason)
    {
        Interlocked.Increment(ref s_fallbacks);
        AsyncGenEventSource.Log.DriverFallback(requested.ToString(), chosen.ToString(), reason);
    }
}
