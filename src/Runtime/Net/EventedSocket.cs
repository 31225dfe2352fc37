using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using AsyncGen.Drivers;

namespace AsyncGen.Net;

/// <summary>
/// A non-blocking <see cref="System.Net.Sockets.Socket"/> plus its reactor registration (tokio's
/// <c>PollEvented</c>): the socket does the syscalls (address marshalling, <see cref="SocketError"/> mapping,
/// options), the reactor supplies readiness.
/// </summary>
/// <remarks>
/// <para>Why <see cref="System.Net.Sockets.Socket"/> rather than raw syscalls: on a socket with
/// <c>Blocking = false</c>, <c>Receive(Span, flags, out SocketError)</c> and <c>Send</c> make exactly one
/// syscall and report EAGAIN as <see cref="SocketError.WouldBlock"/> without throwing or allocating; .NET's own
/// epoll thread is never involved because no <c>*Async</c> method is called. Endpoints, socket options and errors
/// stay the familiar .NET types.</para>
/// <para>The socket registers lazily, with the reactor of the executor that first polls one of its operations
/// (like tokio, a socket belongs to one runtime). If that executor is gone (each <c>Executor.BlockOn</c> has its
/// own), the next operation re-registers with the current one. Dispose deregisters first, then closes the
/// descriptor, exactly once.</para>
/// </remarks>
[DebuggerDisplay("EventedSocket fd {Fd}")]
internal sealed class EventedSocket : IDisposable
{
    private readonly Socket _socket;
    private Lock? _registerLock;   // created by the first registration (see RegisterLock)
    private IoRegistration? _registration;
    private int _disposed;
    private string? _reader;   // the public method of the operation holding the read side (see Claim), or null
    private string? _writer;

    public EventedSocket(Socket socket)
    {
        socket.Blocking = false;
        _socket = socket;
        Fd = (int)socket.SafeHandle.DangerousGetHandle();
        IsStream = socket.SocketType == SocketType.Stream;
    }

    /// <summary>
    /// Marks <paramref name="direction"/> as used by an operation (<paramref name="method"/>, e.g. <c>ReadAsync</c>)
    /// until <see cref="Release"/>. One compare-and-swap: two operations claiming together from two threads cannot
    /// both succeed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another operation holds the direction.</exception>
    public void Claim(Direction direction, string method)
    {
        bool read = direction == Direction.Read;
        ref string? holder = ref read ? ref _reader : ref _writer;
        string? pending = Interlocked.CompareExchange(ref holder, method, null);
        if (pending is not null)
            throw new InvalidOperationException(
                $"{method} was started on socket fd {Fd} while {pending} is still pending there. A socket has one " +
                (read ? "reading operation (ReadAsync, ReceiveAsync, ReceiveFromAsync, AcceptAsync)" : "writing operation (WriteAsync, WriteAllAsync, SendAsync, SendToAsync)") +
                " outstanding at a time, as the driver keeps one waker per direction: a second one would leave the first " +
                "asleep for ever. Await (or dispose) the pending operation first, or let one task do all the " +
                (read ? "reading." : "writing."));
    }

    /// <summary>Frees <paramref name="direction"/> for the next operation.</summary>
    public void Release(Direction direction)
    {
        if (direction == Direction.Read) Volatile.Write(ref _reader, null);
        else Volatile.Write(ref _writer, null);
    }

    /// <summary>True for a stream (TCP) socket, where an empty read or write has nothing to wait for.</summary>
    public bool IsStream { get; }

    /// <summary>The descriptor number, for diagnostics.</summary>
    public int Fd { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The socket, for one syscall.</summary>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public Socket Socket
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, _socket);
            return _socket;
        }
    }

    /// <summary>The registration with the current executor's reactor, created on first use.</summary>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    /// <exception cref="InvalidOperationException">Polled outside an executor, or by another live executor.</exception>
    public IoRegistration Registration => Register(connecting: false);

    /// <summary>Registers the socket with the current executor's reactor unless it already is.</summary>
    public IoRegistration Register(bool connecting) => Register(connecting, connectTo: null);

    /// <summary>
    /// Starts connecting to <paramref name="remote"/> through the current executor's driver, which registers the
    /// socket (see <see cref="IIoDriver.Connect"/>); <see cref="IoRegistration.TryFinishConnect"/> completes it.
    /// </summary>
    public IoRegistration Connect(EndPoint remote) => Register(connecting: true, remote);

    private IoRegistration Register(bool connecting, EndPoint? connectTo)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, _socket);
        // Every poll of every operation comes here: one inlined thread-static read and a field compare when the
        // socket is registered with the current executor's driver (no call, no virtual property).
        var registration = Volatile.Read(ref _registration);
        if (registration is not null && ReferenceEquals(registration.Driver, Driver.CurrentOrNull?.Io)) return registration;
        return RegisterSlow(connecting, connectTo);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private IoRegistration RegisterSlow(bool connecting, EndPoint? connectTo)
    {
        var driver = Driver.Current.Io;
        // First use, or the previous executor is gone. A reader and a writer task on two worker threads may get here
        // together: registering twice would fail (EEXIST), so the slow path is serialized.
        lock (RegisterLock)
        {
            var registration = _registration;
            if (registration is not null)
            {
                if (ReferenceEquals(registration.Driver, driver)) return registration;
                if (!registration.Driver.IsDisposed)
                    throw new InvalidOperationException(
                        "This socket is registered with the driver of another executor that is still alive; a socket is " +
                        "driven by one executor. Use it from tasks of that executor.");
                registration.Deregister();
            }
            ObjectDisposedException.ThrowIf(IsDisposed, _socket);
            registration = connectTo is null ? driver.Register(_socket, connecting) : driver.Connect(_socket, connectTo);
            registration.Holder = this; // prefetched by a completion driver for the woken task (IoRegistration.Holder)
            Volatile.Write(ref _registration, registration);
            return registration;
        }
    }

    /// <summary>
    /// Serializes registrations. Created when first needed, i.e. at the first operation's poll, not with the socket:
    /// the socket is made at accept time beside the stream that wraps it, and every request reads both, so nothing
    /// that only the rare registration path uses sits between them.
    /// </summary>
    private Lock RegisterLock =>
        Volatile.Read(ref _registerLock) ?? Interlocked.CompareExchange(ref _registerLock, new Lock(), null) ?? _registerLock;

    /// <summary>
    /// Shuts down one or both directions; with a driver that buffers sends, the send side closes after the bytes
    /// already written (see <see cref="IoRegistration.Shutdown"/>).
    /// </summary>
    public void Shutdown(SocketShutdown how)
    {
        var socket = Socket;
        var registration = Volatile.Read(ref _registration);
        if (registration is null || registration.IsReleased || registration.Driver.IsDisposed) socket.Shutdown(how);
        else registration.Shutdown(socket, how);
    }

    /// <summary>Deregisters from the reactor (waking pending operations), then closes the socket. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Read under the lock, so a registration racing with Dispose is either seen here or refused by its own check;
        // deregistered outside it, because deregistering wakes the pending operations (no wakes under a lock).
        IoRegistration? registration;
        lock (RegisterLock) registration = Volatile.Read(ref _registration);
        registration?.Deregister();
        _socket.Dispose();
    }
}
