using System.Diagnostics;

namespace AsyncGen;

/// <summary>How an executor's driver is built: which I/O driver it uses.</summary>
/// <example>
/// <code>
/// using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.Epoll });
/// </code>
/// </example>
[DebuggerDisplay("Driver = {Driver}")]
public sealed class DriverOptions
{
    /// <summary>The environment variable that forces a driver for executors whose options say <see cref="IoDriverKind.Auto"/>.</summary>
    public const string EnvironmentVariable = "ASYNCGEN_DRIVER";

    /// <summary>The environment variable that turns <see cref="BatchedWorkerRings"/> on for every executor when it is <c>1</c>.</summary>
    public const string BatchedWorkerRingsVariable = "ASYNCGEN_IOURING_BATCHED_RINGS";

    /// <summary>The environment variable that turns <see cref="ReceiveOnAcceptingRing"/> on for every executor when it is <c>1</c>.</summary>
    public const string ReceiveOnAcceptingRingVariable = "ASYNCGEN_IOURING_ACCEPTING_RING";

    /// <summary>The default options: <see cref="IoDriverKind.Auto"/>.</summary>
    public static DriverOptions Default { get; } = new();

    /// <summary>
    /// The I/O driver. <see cref="IoDriverKind.Auto"/> (the default) picks the best one available, unless
    /// <see cref="EnvironmentVariable"/> names one. A driver named here or in the environment that the system
    /// cannot provide falls back to the next best (io_uring → epoll), reported by the <c>AsyncGen</c> event source.
    /// </summary>
    public IoDriverKind Driver { get; init; }

    /// <summary>
    /// io_uring under a work-stealing executor: each worker's ring is created <c>IORING_SETUP_SINGLE_ISSUER |
    /// DEFER_TASKRUN</c> (enabled by its worker) and its parks wait for a batch of completions (one per 16 requests in
    /// flight on the ring, at most 200 µs: <c>min_wait</c>). Off by default (or <see cref="BatchedWorkerRingsVariable"/>):
    /// on the loaded development machine it cut context switches and <c>io_uring_enter</c> calls but not the CPU per
    /// request (src/Runtime/Executors/WorkStealing/README.md, "Which ring a socket lives on, and batched ring waits"). A kernel that refuses the flags
    /// (before 6.1) or the minimum wait (before 6.12) keeps unbatched rings, reported by the <c>AsyncGen</c> event source.
    /// </summary>
    public bool BatchedWorkerRings { get; init; }

    /// <summary>
    /// io_uring under a work-stealing executor with two or more workers: an accepted socket's receives live on the ring
    /// of the worker that accepted it, whichever worker polls it first, so the connections stay on one busy ring and
    /// another worker takes a share of them only when that ring's backlog outgrows one worker. Off by default (or
    /// <see cref="ReceiveOnAcceptingRingVariable"/>): on the loaded development machine two workers served fewer
    /// requests per CPU-second with it than with the default, where the first worker to poll a socket decides
    /// (src/Runtime/Executors/WorkStealing/README.md, "Which ring a socket lives on").
    /// </summary>
    public bool ReceiveOnAcceptingRing { get; init; }

    /// <summary>
    /// Tests only: io_uring setup fails with this errno (ENOSYS, EPERM…) as if the kernel refused it, so the fallback
    /// path runs on a machine where io_uring works. 0: no simulation.
    /// </summary>
    internal int SimulatedIoUringErrno { get; init; }

    /// <summary>
    /// Tests only: creating a work-stealing worker's own io_uring fails with this errno, so the shared-ring fallback
    /// runs. 0: no simulation.
    /// </summary>
    internal int SimulatedWorkerRingErrno { get; init; }

    /// <summary>
    /// Tests only: every io_uring ring is created as on a kernel before 5.19, which refuses the optional setup flags
    /// (SUBMIT_ALL, COOP_TASKRUN, TASKRUN_FLAG), so that fallback runs here. False: no simulation.
    /// </summary>
    internal bool SimulateIoUringOptionalFlagsRefused { get; init; }

    /// <summary>
    /// Tests only: io_uring worker rings are created as on a kernel before 6.1, which refuses IORING_SETUP_SINGLE_ISSUER
    /// | DEFER_TASKRUN, so they run without batched waits (counted, event 20). False: no simulation.
    /// </summary>
    internal bool SimulateIoUringSingleIssuerRefused { get; init; }

    /// <summary>
    /// Tests only: registering an io_uring ring's file table fails with this errno (as on a kernel before 5.19), so
    /// socket operations run without registered files (counted, event 20). 0: no simulation.
    /// </summary>
    internal int SimulatedIoUringFileTableErrno { get; init; }

    /// <summary>Tests only: io_uring SQ entries (the CQ gets 4×), small enough to make the CQ overflow. 0: the default.</summary>
    internal uint IoUringEntries { get; init; }

    /// <summary>
    /// Tests only: the driver is chosen as on an operating system other than Linux (Windows, macOS), so the choice and
    /// the fallbacks those systems run are exercised here. False: the real system decides.
    /// </summary>
    internal bool SimulateNotLinux { get; init; }
}
