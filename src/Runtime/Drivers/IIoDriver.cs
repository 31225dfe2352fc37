using System.Runtime.InteropServices;

namespace AsyncGen.Drivers;

/// <summary>
/// An I/O driver: the <see cref="IParker"/> an executor thread waits in, and what sockets register with. Epoll
/// (readiness), io_uring (completions) and the portable driver (System.Net.Sockets completions) implement it; see
/// the folder's README for the contract they share.
/// </summary>
internal interface IIoDriver : IParker
{
    /// <summary>Which driver this is.</summary>
    IoDriverKind Kind { get; }

    /// <summary>
    /// Registers the socket owned by <paramref name="owner"/>. The caller deregisters it before closing it.
    /// </summary>
    /// <param name="owner">The socket's handle; kept alive by the driver while it uses the descriptor.</param>
    /// <param name="connecting">
    /// True for a socket whose non-blocking connect is in progress: its first write readiness means the connect
    /// finished. Otherwise both directions may be tried at once.
    /// </param>
    IoRegistration Register(SafeHandle owner, bool connecting);

    /// <summary>Number of live registrations (tests: 0 once every socket is disposed).</summary>
    int RegistrationCount { get; }

    /// <summary>How many times a park returned from the kernel (tests: an idle executor must not spin).</summary>
    long WaitCount { get; }

    /// <summary>True once disposed: its registrations are inert and a socket may move to another driver.</summary>
    bool IsDisposed { get; }
}
