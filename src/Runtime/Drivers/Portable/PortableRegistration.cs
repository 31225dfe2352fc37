using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers.Portable;

/// <summary>
/// One socket registered with a <see cref="PortableDriver"/>: its operations run as System.Net.Sockets' own
/// asynchronous operations, and their completions wake the waiting task.
/// </summary>
/// <remarks>
/// <para><b>Owned buffers.</b> Each direction has one <see cref="SocketOperation"/> (a reused
/// <see cref="SocketAsyncEventArgs"/>) and one buffer of its own: a receive lands there and is copied into the
/// caller's span, a send is copied from the caller's span first. The caller's memory is never lent to the OS, so a
/// disposed operation can never be a use-after-free, whatever the OS still does with the buffer.</para>
/// <para><b>An operation</b> (<see cref="TryReceive"/>, <see cref="TrySend"/>, <see cref="TryAccept"/>, datagrams,
/// connect) first takes a result that completed meanwhile; else, when nothing is in flight, starts one. Most start
/// calls complete synchronously (data already queued, room in the send buffer): the result is taken in the same
/// call, with no wake and no thread hop. Otherwise the waker is stored and the completion, on a thread-pool thread,
/// stores the result and wakes it.</para>
/// <para><b>Cancellation.</b> A disposed receive or accept forgets its waker and lets its operation run: what it
/// brings (bytes, a datagram, a connection) waits for the next receive or accept, so nothing is lost. A disposed send
/// cannot be recalled either: its bytes (already copied) are sent, in order, and the next send waits for them — they
/// are never lost nor torn, but a write disposed while in flight may have been sent (where on a readiness driver a
/// pending write has sent nothing).</para>
/// <para><b>Stream receives</b> ask for at most the caller's span length (up to the buffer size), so bytes are rarely
/// left in our buffer after a read; they would be handed to the next read.</para>
/// <para><b>Moving to another driver.</b> When the executor that registered a socket is gone, the socket re-registers
/// with the next one (<c>EventedSocket.Register</c>); a portable registration then hands its operations, with
/// whatever is in flight or completed, to its successor (<see cref="PortableDriver.Register"/>), so no received byte
/// or accepted connection is dropped in the move.</para>
/// <para><b>Readiness</b> (<see cref="PollReady"/>): read readiness is a zero-byte <c>MSG_PEEK</c> receive, which
/// completes when data (or end of stream, or an error) is there and consumes nothing; write readiness has no
/// asynchronous form in System.Net.Sockets, so it is a <see cref="Socket.Poll(int, SelectMode)"/> on a thread-pool
/// thread, counted in <see cref="PortableDriver.WriteReadinessPolls"/>. No <c>Net/</c> operation uses readiness on
/// this driver: every one is overridden here.</para>
/// </remarks>
[DebuggerDisplay("PortableRegistration fd {Fd} (released: {_released})")]
internal sealed class PortableRegistration : IoRegistration
{
    /// <summary>Stream buffer per direction: 16 KiB, as the io_uring driver's send buffer (Linux's initial TCP send buffer).</summary>
    private const int StreamBufferSize = 16 * 1024;

    /// <summary>Datagram buffer: 64 KiB holds the largest UDP datagram (65,507 bytes of payload over IPv4).</summary>
    private const int DatagramBufferSize = 64 * 1024;

    /// <summary>How long one write-readiness poll blocks its thread-pool thread before it re-checks for release.</summary>
    private const int WritePollSliceMicroseconds = 50_000;

    private const int Generation = 1; // one ScheduledIo per registration: its first (and only) generation

    private readonly PortableDriver _driver;
    private readonly Socket _socket;
    private readonly bool _stream;
    private readonly Lock _lock = new();
    private readonly ScheduledIo _readiness;
    private SocketOperation _read;
    private SocketOperation _write;
    private SocketOperation? _probe;
    private bool _endOfStream;                 // a receive returned 0 or failed: later reads return 0
    private bool _released;
    private bool _closing;                     // deregistered by a live driver: the socket closes next
    private bool _handedOver;                  // the operations belong to a successor registration
    private bool _writePollRunning;
    private bool _shutdownAfterSend;           // Shutdown(Send) waits for the send in flight (see Shutdown)

    internal PortableRegistration(PortableDriver driver, Socket socket, PortableRegistration? predecessor)
        : base(driver, socket.SafeHandle, (int)socket.SafeHandle.DangerousGetHandle())
    {
        _driver = driver;
        _readiness = new ScheduledIo(driver.WakerContention);
        _socket = socket;
        _stream = socket.SocketType == SocketType.Stream;
        // This driver never makes a synchronous call on the socket; its asynchronous operations must wait for data,
        // not report WouldBlock, on every OS (EventedSocket made the socket non-blocking for readiness drivers).
        socket.Blocking = true;
        _readiness.Activate(Generation, Fd, driver.Tick, writeInterest: true, optimistic: true);
        if (predecessor is not null && predecessor.HandOver(this, out var read, out var write, out var probe, out _endOfStream))
        {
            _read = read;
            _write = write;
            _probe = probe;
        }
        else
        {
            _read = new SocketOperation(this);
            _write = new SocketOperation(this);
        }
    }

    // ---- Stream and connected-datagram operations ---------------------------------------------------------------

    public override bool TryReceive(Socket socket, Span<byte> buffer, in Waker waker, out int received)
    {
        if (!_stream)
        {
            EndPoint? ignored = null;
            return TryReceiveDatagram(buffer, SocketOperationKind.Receive, ref ignored, waker, out received);
        }
        lock (_lock)
        {
            ThrowIfReleased();
            var op = _read;
            while (true)
            {
                if (op.HasResult)
                {
                    if (op.SocketError != SocketError.Success)
                    {
                        op.HasResult = false;
                        _endOfStream = true; // after a reset the kernel, too, reports end of stream
                        throw new SocketException((int)op.SocketError);
                    }
                    if (op.BytesTransferred == 0)
                    {
                        op.HasResult = false;
                        _endOfStream = true;
                        received = 0;
                        return true;
                    }
                    received = Math.Min(buffer.Length, op.BytesTransferred - op.Consumed);
                    op.Storage.AsSpan(op.Consumed, received).CopyTo(buffer);
                    op.Consumed += received;
                    if (op.Consumed == op.BytesTransferred) op.HasResult = false;
                    return true;
                }
                if (_endOfStream || buffer.IsEmpty)
                {
                    received = 0;
                    return true;
                }
                if (op.InFlight) return Waiting(op, waker, out received);
                var storage = op.StorageOf(StreamBufferSize);
                op.SetBuffer(storage, 0, Math.Min(buffer.Length, storage.Length));
                if (Start(op, SocketOperationKind.Receive)) return Waiting(op, waker, out received);
            }
        }
    }

    public override bool TrySend(Socket socket, ReadOnlySpan<byte> data, in Waker waker, out int sent) =>
        TrySendCore(data, SocketOperationKind.Send, remote: null, waker, out sent);

    public override bool TryAccept(Socket listener, in Waker waker, out Socket? accepted)
    {
        lock (_lock)
        {
            ThrowIfReleased();
            var op = _read;
            while (true)
            {
                if (op.HasResult)
                {
                    op.HasResult = false;
                    accepted = op.AcceptSocket;
                    op.AcceptSocket = null;
                    if (op.SocketError != SocketError.Success)
                    {
                        accepted?.Dispose();
                        throw new SocketException((int)op.SocketError);
                    }
                    return true;
                }
                if (op.InFlight)
                {
                    op.Wait(waker);
                    accepted = null;
                    return false;
                }
                op.AcceptSocket = null;
                op.SetBuffer(null, 0, 0); // no data with the connection (AcceptEx would wait for some)
                if (Start(op, SocketOperationKind.Accept))
                {
                    op.Wait(waker);
                    accepted = null;
                    return false;
                }
            }
        }
    }

    // ---- Datagrams ----------------------------------------------------------------------------------------------

    public override bool TryReceiveFrom(Socket socket, Span<byte> buffer, ref EndPoint sender, in Waker waker, out int received)
    {
        EndPoint? from = sender;
        bool done = TryReceiveDatagram(buffer, SocketOperationKind.ReceiveFrom, ref from, waker, out received);
        sender = from!;
        return done;
    }

    public override bool TrySendTo(Socket socket, ReadOnlySpan<byte> datagram, EndPoint remote, in Waker waker, out int sent) =>
        TrySendCore(datagram, SocketOperationKind.SendTo, remote, waker, out sent);

    private bool TryReceiveDatagram(Span<byte> buffer, SocketOperationKind kind, ref EndPoint? sender, in Waker waker, out int received)
    {
        lock (_lock)
        {
            ThrowIfReleased();
            var op = _read;
            while (true)
            {
                if (op.HasResult)
                {
                    op.HasResult = false;
                    if (op.SocketError != SocketError.Success) throw new SocketException((int)op.SocketError);
                    // One datagram per receive; what does not fit the caller's buffer is dropped, as recv does.
                    received = Math.Min(buffer.Length, op.BytesTransferred);
                    op.Storage.AsSpan(0, received).CopyTo(buffer);
                    if (sender is not null) sender = op.RemoteEndPoint ?? _socket.RemoteEndPoint ?? sender;
                    return true;
                }
                if (op.InFlight) return Waiting(op, waker, out received);
                op.SetBuffer(op.StorageOf(DatagramBufferSize), 0, DatagramBufferSize);
                if (kind == SocketOperationKind.ReceiveFrom) op.RemoteEndPoint = sender;
                if (Start(op, kind)) return Waiting(op, waker, out received);
            }
        }
    }

    /// <summary>
    /// A send (stream, connected datagram) or a send-to: copies <paramref name="data"/> into the write buffer and
    /// sends it; true with the count once the OS took it. On a stream at most one buffer's worth is sent per call.
    /// </summary>
    private bool TrySendCore(ReadOnlySpan<byte> data, SocketOperationKind kind, EndPoint? remote, in Waker waker, out int sent)
    {
        lock (_lock)
        {
            ThrowIfReleased();
            if (_shutdownAfterSend) throw new SocketException((int)SocketError.Shutdown);
            var op = _write;
            while (true)
            {
                if (op.HasResult)
                {
                    op.HasResult = false;
                    bool abandoned = op.Abandoned;
                    op.Abandoned = false;
                    // An abandoned send's error is this one's too: the connection it failed on is this one.
                    if (op.SocketError != SocketError.Success) throw new SocketException((int)op.SocketError);
                    if (!abandoned)
                    {
                        sent = op.BytesTransferred;
                        return true;
                    }
                }
                if (op.InFlight) return Waiting(op, waker, out sent);
                if (data.IsEmpty && _stream)
                {
                    sent = 0;
                    return true;
                }
                int size = _stream ? StreamBufferSize : DatagramBufferSize;
                if (!_stream && data.Length > size) throw new SocketException((int)SocketError.MessageSize);
                var storage = op.StorageOf(size);
                int count = Math.Min(data.Length, size);
                data[..count].CopyTo(storage);
                op.SetBuffer(storage, 0, count);
                if (kind == SocketOperationKind.SendTo) op.RemoteEndPoint = remote;
                if (Start(op, kind)) return Waiting(op, waker, out sent);
            }
        }
    }

    /// <summary>
    /// Shutdown(Send) while a send is in flight (a disposed write's, see the remarks) waits for it, so its bytes
    /// reach the peer whole before the FIN instead of failing half-sent behind it.
    /// </summary>
    public override void Shutdown(Socket socket, SocketShutdown how)
    {
        if (how != SocketShutdown.Receive && _stream)
        {
            lock (_lock)
            {
                if (_write.InFlight && _write.Kind == SocketOperationKind.Send)
                {
                    _shutdownAfterSend = true;
                    if (how == SocketShutdown.Both) socket.Shutdown(SocketShutdown.Receive);
                    return;
                }
            }
        }
        socket.Shutdown(how);
    }

    // ---- Connect ------------------------------------------------------------------------------------------------

    /// <summary>Starts System.Net.Sockets' connect (the driver's <see cref="PortableDriver.Connect"/>).</summary>
    internal void StartConnect(EndPoint remote)
    {
        lock (_lock)
        {
            ThrowIfReleased();
            _write.SetBuffer(null, 0, 0);
            _write.RemoteEndPoint = remote;
            Start(_write, SocketOperationKind.Connect);
        }
    }

    public override bool TryFinishConnect(Socket socket, in Waker waker)
    {
        lock (_lock)
        {
            ThrowIfReleased();
            var op = _write;
            if (op.InFlight)
            {
                op.Wait(waker);
                return false;
            }
            if (op.HasResult && op.Kind == SocketOperationKind.Connect)
            {
                op.HasResult = false;
                if (op.SocketError != SocketError.Success) throw new SocketException((int)op.SocketError);
            }
        }
        if (!socket.Connected) throw new SocketException((int)SocketError.NotConnected);
        return true;
    }

    // ---- Readiness ----------------------------------------------------------------------------------------------

    public override bool PollReady(Direction direction, in Waker waker, out ReadyEvent seen)
    {
        if (_readiness.TryGetReady(direction, Generation, out seen)) return true;
        if (_readiness.RegisterWaker(direction, Generation, waker, out seen)) return true;
        if (direction == Direction.Read) StartReadProbe();
        else StartWritePoll();
        if (AsyncGenEventSource.Log.IsEnabled())
            AsyncGenEventSource.Log.InterestRegistered(Fd, direction == Direction.Read ? "readable" : "writable");
        return false;
    }

    public override void ClearReadiness(in ReadyEvent seen) => _readiness.ClearReadiness(seen);

    private void StartReadProbe()
    {
        bool completed;
        lock (_lock)
        {
            if (_released) return;
            var probe = _probe ??= new SocketOperation(this);
            if (probe.InFlight) return;
            probe.SetBuffer(Array.Empty<byte>(), 0, 0);
            probe.SocketFlags = SocketFlags.Peek;
            completed = !Start(probe, SocketOperationKind.ReadinessProbe);
            probe.HasResult = false;
        }
        if (completed) Probed(Ready.Readable);
    }

    private void StartWritePoll()
    {
        lock (_lock)
        {
            if (_released || _writePollRunning) return;
            _writePollRunning = true;
        }
        _driver.WriteReadinessPolled();
        ThreadPool.UnsafeQueueUserWorkItem(static registration => registration.PollWritable(), this, preferLocal: false);
    }

    private void PollWritable()
    {
        bool writable = false;
        try
        {
            while (!IsReleased && !(writable = _socket.Poll(WritePollSliceMicroseconds, SelectMode.SelectWrite))) { }
        }
        catch (Exception error) when (error is ObjectDisposedException or SocketException)
        {
            writable = true; // the next send meets the error
        }
        lock (_lock) _writePollRunning = false;
        if (writable) Probed(Ready.Writable);
    }

    private void Probed(Ready ready)
    {
        if (_readiness.SetReadiness(Generation, _driver.NextTick(), ready)) _readiness.Wake(ready);
    }

    // ---- Completions, cancellation, release ---------------------------------------------------------------------

    /// <summary>
    /// Starts <paramref name="op"/> as <paramref name="kind"/>: true when it went pending (its completion will call
    /// <see cref="Completed"/>), false when it completed synchronously (its result is there now).
    /// </summary>
    private bool Start(SocketOperation op, SocketOperationKind kind)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread && !op.InFlight && !op.HasResult);
        op.Kind = kind;
        op.Consumed = 0;
        op.Abandoned = false;
        if (kind != SocketOperationKind.ReadinessProbe) op.SocketFlags = SocketFlags.None;
        op.InFlight = true;
        bool pending;
        try
        {
            pending = kind switch
            {
                SocketOperationKind.Receive or SocketOperationKind.ReadinessProbe => _socket.ReceiveAsync(op),
                SocketOperationKind.ReceiveFrom => _socket.ReceiveFromAsync(op),
                SocketOperationKind.Accept => _socket.AcceptAsync(op),
                SocketOperationKind.Send => _socket.SendAsync(op),
                SocketOperationKind.SendTo => _socket.SendToAsync(op),
                SocketOperationKind.Connect => _socket.ConnectAsync(op),
                _ => throw new UnreachableException(),
            };
        }
        catch
        {
            op.InFlight = false;
            throw;
        }
        if (!pending)
        {
            op.InFlight = false;
            op.HasResult = true;
        }
        return pending;
    }

    private static bool Waiting(SocketOperation op, in Waker waker, out int count)
    {
        op.Wait(waker);
        count = 0;
        return false;
    }

    /// <summary>A thread-pool thread: <paramref name="op"/> completed. Stores its result and wakes its task.</summary>
    internal void Completed(SocketOperation op)
    {
        Waker wake;
        Socket? orphan = null;
        bool probe, shutdown = false;
        lock (_lock)
        {
            if (_handedOver)
            {
                // The operation moved to a successor while this completion waited for the lock.
                wake = default;
                probe = false;
            }
            else
            {
                op.InFlight = false;
                probe = op.Kind == SocketOperationKind.ReadinessProbe;
                op.HasResult = !probe;
                wake = op.TakeWaiter();
                if (_shutdownAfterSend && op == _write)
                {
                    _shutdownAfterSend = false;
                    shutdown = !_released;
                }
                if (_released && (_closing || _socket.SafeHandle.IsClosed))
                {
                    // Closed: nobody will take the result. A connection accepted meanwhile is closed, not leaked.
                    if (op.Kind == SocketOperationKind.Accept) (orphan, op.AcceptSocket) = (op.AcceptSocket, null);
                    op.HasResult = false;
                    op.Dispose();
                }
            }
        }
        if (_handedOver)
        {
            op.Owner.Completed(op);
            return;
        }
        orphan?.Dispose();
        if (shutdown) ShutdownSendQuietly();
        if (probe) Probed(op.SocketError == SocketError.Success ? Ready.Readable : Ready.ReadInterest);
        Woken(wake, op.Kind is SocketOperationKind.Send or SocketOperationKind.SendTo or SocketOperationKind.Connect ? "writable" : "readable");
    }

    private void ShutdownSendQuietly()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception error) when (error is ObjectDisposedException or SocketException)
        {
            // Closed or reset meanwhile: there is no stream left to end.
        }
    }

    public override void Cancel(Direction direction)
    {
        // Nothing started can be recalled (System.Net.Sockets cancels only by closing the socket), and nothing needs
        // to be: a receive's or an accept's result waits for the next one; a send's is dropped when it arrives.
        lock (_lock)
        {
            var op = direction == Direction.Read ? _read : _write;
            op.Waiter = default;
            if (direction == Direction.Write && (op.InFlight || op.HasResult)) op.Abandoned = true;
        }
        _readiness.ClearWaker(direction, Generation);
    }

    public override bool IsReleased => Volatile.Read(ref _released);

    /// <summary>
    /// Wakes the waiting operations (they then meet the released registration and throw
    /// <see cref="ObjectDisposedException"/>). The operations in flight finish when the socket closes.
    /// </summary>
    public override void Deregister()
    {
        Waker reader, writer;
        lock (_lock)
        {
            if (_released) return;
            Volatile.Write(ref _released, true);
            reader = _read.TakeWaiter();
            writer = _write.TakeWaiter();
            _closing = !_driver.IsDisposed;
            if (_closing)
            {
                // A live driver deregisters only a socket about to close (a move needs its driver gone): free now
                // what no completion will come back for.
                if (_read.HasResult && _read.AcceptSocket is { } accepted)
                {
                    _read.AcceptSocket = null;
                    _read.HasResult = false;
                    accepted.Dispose();
                }
                foreach (var op in (ReadOnlySpan<SocketOperation?>)[_read, _write, _probe])
                    if (op is { InFlight: false }) op.Dispose();
            }
        }
        _driver.Deregistered();
        _readiness.Release(Generation);
        Woken(reader, "readable");
        Woken(writer, "writable");
        if (_driver.IsDisposed) TryRestoreNonBlocking();
    }

    /// <summary>A socket moving to a readiness driver must be non-blocking again, as <c>EventedSocket</c> made it.</summary>
    private void TryRestoreNonBlocking()
    {
        try
        {
            _socket.Blocking = false;
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile: nothing to restore.
        }
    }

    /// <summary>
    /// The socket re-registers with <paramref name="successor"/> (this registration's driver is gone): hands it the
    /// operations, with what is in flight or completed, so nothing received or accepted is lost in the move.
    /// </summary>
    private bool HandOver(PortableRegistration successor, out SocketOperation read, out SocketOperation write,
        out SocketOperation? probe, out bool endOfStream)
    {
        lock (_lock)
        {
            if (!_released || _handedOver || !_driver.IsDisposed)
            {
                (read, write, probe, endOfStream) = (null!, null!, null, false);
                return false;
            }
            _handedOver = true;
            (read, write, probe, endOfStream) = (_read, _write, _probe, _endOfStream);
            read.Owner = write.Owner = successor;
            if (probe is not null) probe.Owner = successor;
            read.Waiter = write.Waiter = default;
            return true;
        }
    }

    private void ThrowIfReleased()
    {
        if (_released) throw new ObjectDisposedException(_socket.GetType().FullName);
    }

    private void Woken(in Waker waker, string direction)
    {
        if (waker.IsNoop) return;
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.WakerWoken(Fd, direction);
        waker.Wake();
    }
}
