using System.Net.Sockets;

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
    /// Registers <paramref name="socket"/>. The caller deregisters it before closing it.
    /// </summary>
    /// <param name="socket">A non-blocking socket; its handle is kept alive around each use of its descriptor.</param>
    /// <param name="connecting">
    /// True for a socket whose non-blocking connect is in progress: its first write readiness means the connect
    /// finished. Otherwise both directions may be tried at once.
    /// </param>
    IoRegistration Register(Socket socket, bool connecting);

    /// <summary>Number of live registrations (tests: 0 once every socket is disposed).</summary>
    int RegistrationCount { get; }

    /// <summary>How many times a park returned from the kernel (tests: an idle executor must not spin).</summary>
    long WaitCount { get; }

    /// <summary>True once disposed: its registrations are inert and a socket may move to another driver.</summary>
    bool IsDisposed { get; }
}
