using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace AsyncGen.Drivers.Portable;

/// <summary>
/// The portable driver: System.Net.Sockets' own asynchronous operations (<see cref="SocketAsyncEventArgs"/>: IOCP on
/// Windows, kqueue on macOS, epoll on Linux, all inside .NET) turned into wakes. It works wherever .NET does, and is
/// what <see cref="IoDriverKind.Auto"/> chooses on every operating system but Linux.
/// </summary>
/// <remarks>
/// <para><b>OS-agnostic by construction.</b> Nothing here calls the operating system directly: no
/// <c>LibraryImport</c>, no <see cref="Libc"/>, no descriptor arithmetic; sockets are only ever used through
/// <see cref="Socket"/>'s <c>*Async(SocketAsyncEventArgs)</c> methods, parking is a monitor wait
/// (<see cref="ThreadParker"/>) and timers are the executor's <see cref="TimerWheel"/>, which needs no kernel
/// timer.</para>
/// <para><b>Park / Unpark.</b> Completions arrive on .NET's I/O threads (thread-pool threads), never on the parked
/// thread: a completion stores its result in its registration and wakes the task's waker, which schedules the task
/// and unparks this driver. Park therefore only waits for an unpark or the next timer deadline.</para>
/// <para>See <see cref="PortableRegistration"/> for the operations.</para>
/// </remarks>
[DebuggerDisplay("PortableDriver ({RegistrationCount} registrations, {WaitCount} waits)")]
internal sealed class PortableDriver : IIoDriver
{
    /// <summary>Each socket's latest portable registration, which hands its operations over when the socket moves
    /// to another driver (see <see cref="PortableRegistration"/>); weak, so it never keeps a socket alive.</summary>
    private static readonly ConditionalWeakTable<Socket, PortableRegistration> s_latest = new();

    private readonly ThreadParker _parker = new();
    private int _registrations;
    private int _tick;
    private long _waitCount;
    private bool _disposed;

    /// <inheritdoc/>
    public IoDriverKind Kind => IoDriverKind.Portable;

    /// <inheritdoc/>
    public int RegistrationCount => Volatile.Read(ref _registrations);

    /// <inheritdoc/>
    public long WaitCount => Interlocked.Read(ref _waitCount);

    /// <inheritdoc/>
    public bool IsDisposed => Volatile.Read(ref _disposed);

    /// <summary>
    /// How many write-readiness waits ran on a thread-pool thread (<see cref="PortableRegistration.PollReady"/>:
    /// System.Net.Sockets has no asynchronous "wait until writable"). No socket operation of <c>Net/</c> needs one;
    /// tests assert it stays 0.
    /// </summary>
    internal long WriteReadinessPolls => Interlocked.Read(ref _writeReadinessPolls);

    private long _writeReadinessPolls;

    /// <summary>The readiness tick: advanced by every readiness probe that completes (see <see cref="ScheduledIo"/>).</summary>
    internal int NextTick() => ScheduledIo.NextTick(Interlocked.Increment(ref _tick) - 1);

    internal int Tick => ScheduledIo.NextTick(Volatile.Read(ref _tick) - 1);

    internal void WriteReadinessPolled() => Interlocked.Increment(ref _writeReadinessPolls);

    /// <summary>The count its registrations' <see cref="ScheduledIo"/> waker flags share.</summary>
    internal ContentionCounter WakerContention { get; } = new();

    /// <summary>Times a thread found a registration's waker flag held and spun for it (as <c>EpollDriver.WakerContentionCount</c>).</summary>
    public long WakerContentionCount => WakerContention.Count;

    /// <inheritdoc/>
    public IoRegistration Register(Socket socket, bool connecting)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        s_latest.TryGetValue(socket, out var predecessor);
        var registration = new PortableRegistration(this, socket, predecessor);
        s_latest.AddOrUpdate(socket, registration);
        Interlocked.Increment(ref _registrations);
        return registration;
    }

    /// <summary>Registers <paramref name="socket"/> and starts System.Net.Sockets' own connect to <paramref name="remote"/>.</summary>
    public IoRegistration Connect(Socket socket, EndPoint remote)
    {
        var registration = (PortableRegistration)Register(socket, connecting: true);
        try
        {
            registration.StartConnect(remote);
        }
        catch
        {
            registration.Deregister();
            throw;
        }
        return registration;
    }

    /// <summary>A registration was released.</summary>
    internal void Deregistered() => Interlocked.Decrement(ref _registrations);

    /// <inheritdoc/>
    public void Park(int timeoutMs)
    {
        _parker.Park(timeoutMs);
        Interlocked.Increment(ref _waitCount);
    }

    /// <inheritdoc/>
    public void Unpark() => _parker.Unpark();

    /// <summary>
    /// Marks the driver gone: its registrations become inert (a socket may move to another driver). Operations in
    /// flight finish on their own and free their buffers; there is nothing of the kernel's to close.
    /// </summary>
    public void Dispose() => Volatile.Write(ref _disposed, true);
}
