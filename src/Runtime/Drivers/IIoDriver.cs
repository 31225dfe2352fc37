using System.Net;
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

    /// <summary>
    /// Starts connecting <paramref name="socket"/> to <paramref name="remote"/> and registers it;
    /// <see cref="IoRegistration.TryFinishConnect"/> completes the connect. A readiness driver starts a non-blocking
    /// connect, then registers the socket as connecting (its first write readiness ends the connect); a completion
    /// driver submits the connect itself.
    /// </summary>
    IoRegistration Connect(Socket socket, EndPoint remote)
    {
        try
        {
            socket.Connect(remote);
        }
        catch (SocketException error) when (error.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // EINPROGRESS: the handshake continues; write readiness reports its end.
        }
        return Register(socket, connecting: true);
    }

    /// <summary>
    /// Declares the calling thread (<paramref name="defer"/> true) a worker that, before it blocks anywhere but in
    /// this driver, calls <see cref="SubmitDeferred"/>: operations it queues then wait for that call or its next park
    /// (one submission per batch of polls) instead of each paying its own. A completion driver's concern (io_uring);
    /// a readiness driver does its syscalls inline and ignores it.
    /// </summary>
    void DeferSubmissionsOnThisThread(bool defer) { }

    /// <summary>
    /// Submits what deferring threads queued and no park submitted yet; nothing (no syscall) when nothing waits. A
    /// deferring thread calls it before it blocks outside this driver, and after every batch of polls in which it did
    /// not turn the driver.
    /// </summary>
    void SubmitDeferred() { }

    /// <summary>
    /// Gives each of <paramref name="workers"/> worker threads a completion queue of its own to submit to and park in
    /// (io_uring: a ring per worker; worker 0 takes the driver's own). False when the driver has one queue for every
    /// thread — a readiness driver, or a completion driver that could not create them (then it reports the fallback).
    /// Call once, before the workers start.
    /// </summary>
    bool TryCreateWorkerRings(int workers) => false;

    /// <summary>
    /// Called on worker <paramref name="index"/>'s thread: from now on the operations it polls are submitted to its own
    /// ring; returns the parker of that ring (a wait for its completions and its unpark, without timers), or null when
    /// there are no worker rings. <see cref="IParker.Park"/> of the driver itself, called on this thread, also waits there.
    /// </summary>
    IParker? EnterWorker(int index) => null;

    /// <summary>The calling worker thread stops using its ring (it is ending).</summary>
    void ExitWorker() { }

    /// <summary>Number of live registrations (tests: 0 once every socket is disposed).</summary>
    int RegistrationCount { get; }

    /// <summary>How many times a park returned from the kernel (tests: an idle executor must not spin).</summary>
    long WaitCount { get; }

    /// <summary>True once disposed: its registrations are inert and a socket may move to another driver.</summary>
    bool IsDisposed { get; }
}
