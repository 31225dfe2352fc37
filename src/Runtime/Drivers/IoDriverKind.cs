namespace AsyncGen;

/// <summary>Which I/O driver an executor parks in and its sockets register with (see <see cref="DriverOptions"/>).</summary>
public enum IoDriverKind
{
    /// <summary>
    /// The best driver of this system: io_uring on Linux when the kernel allows it, else epoll; the portable driver on
    /// other operating systems. The environment variable <c>ASYNCGEN_DRIVER</c> (<c>epoll</c>, <c>io_uring</c>,
    /// <c>portable</c>) overrides this choice for every executor that does not name a driver itself.
    /// </summary>
    Auto,

    /// <summary>Readiness through an edge-triggered epoll instance (Linux): non-blocking syscalls on the task's thread.</summary>
    Epoll,

    /// <summary>Completions through an io_uring instance (Linux 6.0+): multishot accept and receive, batched sends.</summary>
    IoUring,

    /// <summary>System.Net.Sockets' own asynchronous operations turned into wakes: any operating system .NET runs on.</summary>
    Portable,
}
