using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// One socket registered with an <see cref="IoUringDriver"/>: its completion-based operations and what they own.
/// </summary>
/// <remarks>
/// <para><b>Descriptors.</b> SQEs name the socket's fd, which the kernel resolves to the socket when it consumes the
/// SQE; a submitted request then holds the socket itself, so .NET closing the fd (Dispose) cuts nothing short.
/// Hence <see cref="Deregister"/>, which runs before the fd closes, submits every queued SQE: none may name the fd
/// number after it is closed (and maybe reused). Bytes written behind an in-flight send are the one case that needs
/// the fd after Dispose: for them Deregister duplicates it (<c>_lingerFd</c>), closed when they are sent.</para>
/// <para><b>Registered files.</b> Receives and sends name the socket by its entry in the ring's file table
/// (IOSQE_FIXED_FILE, entry = <see cref="Slot"/>), installed by the first of them on each ring; the kernel then skips
/// the fd lookup per request. <see cref="Deregister"/> clears the entry, as the fd's close would end the fd, in every
/// ring where no unsubmitted SQE names it (the shared ring's were just submitted): requests already issued hold the
/// socket's file themselves, so it closes when they complete, whether or not anyone reaps their completions. A
/// worker's deferred request still naming it keeps the entry until the last completion (<see cref="Free"/>); the slot
/// is reused only after that, so such SQEs need no retargeting on close. Accepts, polls and the linger duplicate name
/// fds.</para>
/// <para><b>Receive</b> (stream sockets): the first read arms one multishot recv; each completion leaves a
/// <see cref="ReceivedChunk"/> in a FIFO; reads copy out of it and recycle a buffer once it is empty. Disposing a
/// pending read submits nothing and loses nothing: bytes keep arriving into the FIFO for the next read. ENOBUFS
/// (every provided buffer is waiting for a reader) ends the multishot; it is re-armed by a read that leaves at most
/// <see cref="ResumeHeldBuffers"/> chunks, or by the driver once buffers are recycled if a reader waits. EOF (res 0)
/// and errors queue behind the data before them.</para>
/// <para><b>Fairness</b>: one socket holds at most <see cref="MaxHeldBuffers"/> provided buffers of unread bytes.
/// Each multishot receive carries the byte limit left under that cap (Linux 6.17), so the kernel itself ends it
/// there; a cancel at the cap also covers small chunks and older kernels. The reader re-arms as it drains; meanwhile
/// the bytes wait in the socket's own buffer and TCP throttles the sender.</para>
/// <para><b>Send</b> (stream sockets): bytes are copied into a send buffer the registration rents from the driver's
/// <see cref="SendBufferPool"/> (and returns once a send completed with nothing left to send) and one SEND
/// (MSG_WAITALL: the kernel finishes short sends itself) is in flight at a time; bytes written meanwhile go out with
/// the next. A write returns as soon as its bytes are copied, like a write into the kernel's socket buffer, and
/// waits only when the send buffer is full. An error completion (EPIPE, ECONNRESET) fails every later write.</para>
/// <para><b>Accept</b>: one multishot accept; accepted fds queue until an accept takes them (cancel-safe).</para>
/// <para><b>Readiness</b> (connect, datagrams): a one-shot poll per direction feeds the same
/// <see cref="ScheduledIo"/> state as the epoll driver, so datagram boundaries and the connect protocol are the
/// base class's.</para>
/// <para><b>Deregister</b> cancels the multishot requests and wakes waiting operations; the registration (its
/// send buffer, its fd) lives until every in-flight request completed (<c>_inflight</c> = 0), then the driver frees
/// its slot. Completions arrive on the thread parked in the instance (ring) that delivered them — with a ring per
/// worker, requests of one socket may live on several — and operations run on task threads: both under <c>_guard</c> (a <see cref="SpinFlag"/> inside the registration),
/// wakes after it. A cancel goes to the instance its request was queued on (<c>_receiveOn</c> and the others).</para>
/// </remarks>
[DebuggerDisplay("IoUringRegistration fd {Fd} (slot {Slot}, {_inflight} in flight)")]
internal sealed unsafe class IoUringRegistration : IoRegistration
{
    private const int SendBufferSize = SendBufferPool.BufferSize;

    /// <summary>
    /// Provided buffers one socket may hold with received bytes its reader has not taken: 64 (256 KiB, twice Linux's
    /// default TCP receive buffer, net.ipv4.tcp_rmem's 128 KiB), a sixteenth of the ring, so a slow reader cannot
    /// take the buffers every other socket receives into. At the cap the multishot receive is cancelled and the
    /// bytes wait in the kernel's socket buffer (TCP then throttles the sender, as it would for a blocking reader).
    /// </summary>
    internal const int MaxHeldBuffers = ProvidedBufferRing.Count / 16;

    /// <summary>Chunks a stream's queue holds before it grows: 4, what an echo's one outstanding request needs with room to spare.</summary>
    private const int InitialChunkCapacity = 4;

    /// <summary>Held buffers at or below which a paused or starved receive is re-armed by the reader: half the cap, so it streams without a stall.</summary>
    private const int ResumeHeldBuffers = MaxHeldBuffers / 2;

    private readonly IoUringDriver _driver;
    private FileDescriptorHandle? _lingerFd;
    private readonly bool _stream;
    private readonly ScheduledIo _readiness;
    private SpinFlag _guard;               // guards everything below and the wakers (see SpinFlag; wakes happen after it)
    private Waker _reader;
    private Waker _writer;
    private int _inflight;                 // requests whose final completion has not arrived
    private bool _released;

    // The instance each multishot or poll request was queued on: a cancel must go to the same ring.
    private IoUringInstance? _receiveOn;
    private IoUringInstance? _acceptOn;
    private IoUringInstance? _pollReadOn;
    private IoUringInstance? _pollWriteOn;

    private bool _receiveArmed;
    private bool _receivePausing;          // the cap was reached: a cancel of the multishot receive is queued
    private bool _receiveLimited;          // the armed receive carries a byte limit (kernel 6.17+)
    private ReceivedChunk[] _chunks;       // a ring of chunks, grown by doubling (see Enqueue)
    private int _chunkHead;
    private int _chunkCount;
    private bool _endOfStream;
    private int _receiveError;             // errno queued behind the data received before it

    private bool _acceptArmed;
    private Queue<int>? _accepted;         // created by the first accepted connection: listeners only
    private int _acceptError;
    private bool _acceptedSinceArmed;       // the armed multishot accept delivered a connection

    private byte* _sendBuffer;
    private int _sendQueued;               // bytes in _sendBuffer, the first _sendInFlight of them in flight
    private int _sendInFlight;
    private int _sendError;
    private bool _shutdownAfterSend;       // Shutdown(Send) waits for the buffered bytes

    private bool _pollReadArmed;
    private bool _pollWriteArmed;

    private ulong _fileTables;             // the rings whose file table holds this socket at entry Slot (IoUringInstance.FileTableBit)
    private readonly IoUringInstance? _home; // the accepting worker's ring, where every receive is armed (IoUringDriver.NoteAccepted)

    internal IoUringRegistration(IoUringDriver driver, int slot, int generation, SafeHandle owner, int fd,
        bool stream, bool connecting, IoUringInstance? home = null)
        : base(driver, owner, fd)
    {
        _driver = driver;
        _home = home;
        Slot = slot;
        Generation = generation;
        _stream = stream;
        // Allocated here, right behind the registration, not at the first receive: every completion and every read
        // touches both, and the chunk queue allocated later lands wherever the heap is then, one more line to fetch
        // per request when a thousand connections take turns. A stream's first receive needs it anyway; the state
        // after it is used only by connects and datagrams.
        _chunks = stream ? new ReceivedChunk[InitialChunkCapacity] : [];
        _readiness = new ScheduledIo(driver.WakerContention);
        _readiness.Activate(generation, fd, driver.Tick, writeInterest: true, optimistic: !connecting);
    }

    internal int Slot { get; }

    /// <summary>The readiness and waker state of the socket (tests).</summary>
    internal ScheduledIo Io => _readiness;

    internal int Generation { get; }

    private ulong Token(OperationKind kind) => CompletionToken.Make(Slot, Generation, kind);

    // ---- Receive -------------------------------------------------------------------------------------------------

    public override bool TryReceive(Socket socket, Span<byte> buffer, in Waker waker, out int received)
    {
        if (!_stream) return base.TryReceive(socket, buffer, waker, out received);
        _guard.Enter(_driver.WakerContention);
        try
        {
            ObjectDisposedException.ThrowIf(_released, socket);
            if (_chunkCount > 0)
            {
                // Counted per read, by the reading worker on its own ring (a plain increment: only it writes there).
                if (_driver.OwnInstance is { } own && !ReferenceEquals(own, _chunks[_chunkHead].From)) own.CountCrossRingRead();
                received = CopyOut(buffer);
                // A receive the cap paused or ENOBUFS ended: re-armed while some bytes still wait, so the reader
                // does not run dry before the kernel delivers again.
                if (!_receiveArmed && _chunkCount <= ResumeHeldBuffers && !_endOfStream && _receiveError == 0) ArmReceive();
                return true;
            }
            if (_receiveError != 0)
            {
                int errno = _receiveError;
                _receiveError = 0;
                _endOfStream = true; // after a reset the kernel, too, reports end of stream
                throw Errno.ToSocketException(errno);
            }
            if (_endOfStream || buffer.IsEmpty)
            {
                received = 0;
                return true;
            }
            if (!_reader.WillWake(waker)) _reader = waker;
            if (!_receiveArmed) ArmReceive();
        }
        finally
        {
            _guard.Exit();
        }
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.InterestRegistered(Fd, "readable");
        received = 0;
        return false;
    }

    private int CopyOut(Span<byte> buffer)
    {
        Debug.Assert(_guard.IsHeld);
        int copied = 0;
        while (copied < buffer.Length && _chunkCount > 0)
        {
            ref var chunk = ref _chunks[_chunkHead];
            int n = Math.Min(buffer.Length - copied, chunk.Length - chunk.Consumed);
            new ReadOnlySpan<byte>(chunk.From.Buffers.Address(chunk.BufferId) + chunk.Consumed, n).CopyTo(buffer[copied..]);
            copied += n;
            chunk.Consumed += n;
            if (chunk.Consumed == chunk.Length)
            {
                chunk.From.Recycle(chunk.BufferId);
                _chunkHead = (_chunkHead + 1) % _chunks.Length;
                _chunkCount--;
            }
        }
        return copied;
    }

    private void ArmReceive()
    {
        Debug.Assert(_guard.IsHeld && !_receiveArmed && !_released);
        _receiveArmed = true;
        _receivePausing = false;
        _receiveLimited = _driver.ReceiveLimitSupported;
        _inflight++;
        _receiveOn = QueueNamingSocket(_home ?? _driver.CurrentInstance, new Sqe
        {
            Opcode = IoUringNative.OpRecv,
            Flags = IoUringNative.SqeBufferSelect,
            IoPrio = IoUringNative.RecvMultishot,
            Fd = Fd,
            BufGroup = ProvidedBufferRing.GroupId,
            // The kernel ends the multishot itself once the socket holds its cap's worth of bytes: a cancel comes
            // too late, the kernel fills buffers faster than we reap (a loopback sender filled the whole ring
            // within one wait). Re-armed by the reader (TryReceive) as it drains.
            OptLen = _receiveLimited ? (uint)(Math.Max(1, MaxHeldBuffers - _chunkCount) * ProvidedBufferRing.BufferSize) : 0,
            UserData = Token(OperationKind.Receive),
        });
    }

    /// <summary>
    /// Queues a receive or send on the calling thread's ring, naming the socket by its entry in that ring's file table
    /// (IOSQE_FIXED_FILE; put there by the first request on that ring) instead of its fd: the kernel then skips the fd
    /// lookup and the reference it takes on the socket's file for every request (<c>fget</c>, 2.3 % of the one-thread
    /// echo server's time at 1,000 connections). The entry is the registration's slot, whose number no other live
    /// registration has until the last completion (<see cref="Free"/>), and it is cleared (at Deregister or Free) only
    /// once no unsubmitted SQE names it, so an SQE naming it never reaches another socket or an empty entry. A ring without a table, a slot beyond it, or the linger duplicate after
    /// Deregister: the fd, as before.
    /// </summary>
    private IoUringInstance QueueNamingSocket(Sqe sqe) => QueueNamingSocket(_driver.CurrentInstance, sqe);

    private IoUringInstance QueueNamingSocket(IoUringInstance instance, Sqe sqe)
    {
        Debug.Assert(_guard.IsHeld);
        int fd = sqe.Fd;
        ulong table = instance.FileTableBit;
        if (table != 0 && fd == Fd && !_released
            && ((_fileTables & table) != 0 || InstallIn(instance, table)))
        {
            sqe.Fd = Slot;
            sqe.Flags |= IoUringNative.SqeFixedFile;
        }
        return instance.Queue(sqe, fd);
    }

    private bool InstallIn(IoUringInstance instance, ulong table)
    {
        if (!instance.TryInstallFile(Slot, Owner, Fd)) return false;
        _fileTables |= table;
        return true;
    }

    /// <summary>Driver, after buffers were recycled: re-arms a receive that ENOBUFS ended while a reader waits.</summary>
    internal void RearmStarvedReceive()
    {
        _guard.Enter(_driver.WakerContention);
        try
        {
            if (!_released && !_receiveArmed && !_reader.IsNoop && _chunkCount == 0 && !_endOfStream) ArmReceive();
        }
        finally
        {
            _guard.Exit();
        }
    }

    private void Received(IoUringInstance from, int result, uint flags, out Waker wake, out bool starved)
    {
        Debug.Assert(_guard.IsHeld);
        starved = false;
        if ((flags & IoUringNative.CqeBuffer) != 0)
        {
            var id = (ushort)(flags >> IoUringNative.CqeBufferShift);
            if (result > 0 && !_released)
            {
                Enqueue(new ReceivedChunk(from, id, result));
                if (_chunkCount >= MaxHeldBuffers && !_receivePausing && (flags & IoUringNative.CqeMore) != 0)
                {
                    // The reader is this far behind: stop receiving for this socket until it catches up (TryReceive
                    // re-arms). Completions already on their way still arrive and queue.
                    _receivePausing = true;
                    _driver.ReceivePaused();
                    from.QueueCancel(Token(OperationKind.Receive));
                }
            }
            else from.Recycle(id);
        }
        else if (result == 0) _endOfStream = true;
        else if (result == -IoUringNative.ENOBUFS) starved = true;
        else if (result == -IoUringNative.EINVAL && _receiveLimited) _driver.ReceiveLimitUnsupported(); // re-armed without below
        else if (result < 0 && result != -IoUringNative.ECANCELED && _receiveError == 0) _receiveError = -result;
        if ((flags & IoUringNative.CqeMore) == 0)
        {
            _receiveArmed = false;
            _inflight--;
            if (result > 0 && !_receivePausing) _driver.ReceivePaused(); // data without MORE: the byte limit ended it
            if (result == -IoUringNative.EINVAL && _receiveLimited && !_released)
            {
                ArmReceive();
                wake = default;
                return;
            }
            // Re-armed by the next read; a reader already waiting needs the driver to do it once buffers return.
            starved &= !_reader.IsNoop && !_released;
        }
        else starved = false;
        wake = starved ? default : Take(ref _reader);
    }

    private void Enqueue(in ReceivedChunk chunk)
    {
        if (_chunkCount == _chunks.Length)
        {
            var grown = new ReceivedChunk[Math.Max(InitialChunkCapacity, _chunks.Length * 2)];
            for (int i = 0; i < _chunkCount; i++) grown[i] = _chunks[(_chunkHead + i) % _chunks.Length];
            _chunks = grown;
            _chunkHead = 0;
        }
        _chunks[(_chunkHead + _chunkCount) % _chunks.Length] = chunk;
        _chunkCount++;
    }

    // ---- Send ----------------------------------------------------------------------------------------------------

    public override bool TrySend(Socket socket, ReadOnlySpan<byte> data, in Waker waker, out int sent)
    {
        if (!_stream) return base.TrySend(socket, data, waker, out sent);
        _guard.Enter(_driver.WakerContention);
        try
        {
            ObjectDisposedException.ThrowIf(_released, socket);
            if (_sendError != 0) throw Errno.ToSocketException(_sendError);
            if (_shutdownAfterSend) throw new SocketException((int)SocketError.Shutdown);
            if (data.IsEmpty)
            {
                sent = 0;
                return true;
            }
            int space = SendBufferSize - _sendQueued;
            if (space == 0)
            {
                if (!_writer.WillWake(waker)) _writer = waker;
                sent = 0;
                return false;
            }
            if (_sendBuffer == null) _sendBuffer = _driver.SendBuffers.Rent();
            sent = Math.Min(space, data.Length);
            data[..sent].CopyTo(new Span<byte>(_sendBuffer + _sendQueued, sent));
            _sendQueued += sent;
            if (_sendInFlight == 0) SubmitSend();
            return true;
        }
        finally
        {
            _guard.Exit();
        }
    }

    private void SubmitSend()
    {
        Debug.Assert(_guard.IsHeld && _sendInFlight == 0 && _sendQueued > 0);
        if (!TryGetSqeFd(out int fd))
        {
            _sendQueued = 0; // deregistered after a short send: the rest cannot be sent any more
            return;
        }
        _sendInFlight = _sendQueued;
        _inflight++;
        QueueNamingSocket(new Sqe
        {
            Opcode = IoUringNative.OpSend,
            Fd = fd,
            Addr = (ulong)_sendBuffer,
            Len = (uint)_sendInFlight,
            OpFlags = IoUringNative.MsgNoSignal | IoUringNative.MsgWaitAll,
            UserData = Token(OperationKind.Send),
        });
    }

    private void Sent(int result, out Waker wake)
    {
        Debug.Assert(_guard.IsHeld);
        _inflight--;
        int done = _sendInFlight;
        _sendInFlight = 0;
        if (result < 0)
        {
            if (_sendError == 0) _sendError = -result;
            _sendQueued = 0; // the connection is broken: what is buffered can never be delivered
        }
        else
        {
            // MSG_WAITALL makes a short send rare (a signal, a full buffer on a closing socket): send the rest next.
            int sent = Math.Min(result, done);
            Buffer.MemoryCopy(_sendBuffer + sent, _sendBuffer, SendBufferSize, _sendQueued - sent);
            _sendQueued -= sent;
        }
        if (_sendQueued > 0) SubmitSend();
        else
        {
            // Nothing left to send: the buffer goes back to the pool, still warm for the next write of any socket.
            _driver.SendBuffers.Return(_sendBuffer);
            _sendBuffer = null;
            if (_shutdownAfterSend && TryGetSqeFd(out int fd)) Libc.shutdown(fd, Libc.SHUT_WR);
        }
        wake = Take(ref _writer);
    }

    /// <summary>Shutdown(Send) waits for the bytes still in the send buffer, so the peer gets them before the FIN.</summary>
    public override void Shutdown(Socket socket, SocketShutdown how)
    {
        if (!_stream || how == SocketShutdown.Receive)
        {
            socket.Shutdown(how);
            return;
        }
        _guard.Enter(_driver.WakerContention);
        try
        {
            if (_sendQueued > 0)
            {
                _shutdownAfterSend = true;
                if (how == SocketShutdown.Both) socket.Shutdown(SocketShutdown.Receive);
                return;
            }
        }
        finally
        {
            _guard.Exit();
        }
        socket.Shutdown(how);
    }

    // ---- Accept --------------------------------------------------------------------------------------------------

    public override bool TryAccept(Socket listener, in Waker waker, out Socket? accepted)
    {
        int fd;
        _guard.Enter(_driver.WakerContention);
        try
        {
            ObjectDisposedException.ThrowIf(_released, listener);
            if (_accepted is null || !_accepted.TryDequeue(out fd))
            {
                if (_acceptError != 0)
                {
                    int errno = _acceptError;
                    _acceptError = 0;
                    throw Errno.ToSocketException(errno);
                }
                if (!_reader.WillWake(waker)) _reader = waker;
                if (!_acceptArmed)
                {
                    _acceptArmed = true;
                    _acceptedSinceArmed = false;
                    _inflight++;
                    _acceptOn = _driver.Queue(new Sqe
                    {
                        Opcode = IoUringNative.OpAccept,
                        IoPrio = IoUringNative.AcceptMultishot,
                        Fd = Fd,
                        OpFlags = IoUringNative.SockCloexec,
                        UserData = Token(OperationKind.Accept),
                    });
                }
                accepted = null;
                return false;
            }
        }
        finally
        {
            _guard.Exit();
        }
        _driver.NoteAccepted(fd);
        accepted = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        return true;
    }

    private void AcceptCompleted(int result, uint flags, out Waker wake)
    {
        Debug.Assert(_guard.IsHeld);
        if (result >= 0)
        {
            if (_released) Libc.close(result);
            else (_accepted ??= new()).Enqueue(result);
            _acceptedSinceArmed = true;
        }
        else if (result != -IoUringNative.ECANCELED && !_acceptedSinceArmed && _acceptError == 0) _acceptError = -result;
        // An error after connections were accepted comes from the kernel accepting ahead of the reader (a multishot
        // accept loops while connections are queued): nobody asked for that accept yet. Surfacing it would report a
        // failure out of order — after the successes queued before it, a fresh burst (AcceptBackoff) of EMFILE when
        // descriptors were being freed meanwhile. Dropped instead: the error ended the multishot, so the next accept
        // that finds the queue empty arms a new one, and the kernel answers it with the truth of that moment.
        if ((flags & IoUringNative.CqeMore) == 0)
        {
            _acceptArmed = false;
            _inflight--;
        }
        wake = Take(ref _reader);
    }

    // ---- Readiness (connect, datagrams) ----------------------------------------------------------------------------

    public override bool PollReady(Direction direction, in Waker waker, out ReadyEvent seen)
    {
        if (_readiness.TryGetReady(direction, Generation, out seen)) return true;
        if (_readiness.RegisterWaker(direction, Generation, waker, out seen)) return true;
        _guard.Enter(_driver.WakerContention);
        try
        {
            ref bool armed = ref direction == Direction.Read ? ref _pollReadArmed : ref _pollWriteArmed;
            if (!armed && !_released)
            {
                armed = true;
                _inflight++;
                var on = _driver.Queue(new Sqe
                {
                    Opcode = IoUringNative.OpPollAdd,
                    Fd = Fd,
                    OpFlags = direction == Direction.Read ? IoUringNative.PollIn | IoUringNative.PollRdHup : IoUringNative.PollOut,
                    UserData = Token(direction == Direction.Read ? OperationKind.PollRead : OperationKind.PollWrite),
                });
                if (direction == Direction.Read) _pollReadOn = on;
                else _pollWriteOn = on;
            }
        }
        finally
        {
            _guard.Exit();
        }
        if (AsyncGenEventSource.Log.IsEnabled())
            AsyncGenEventSource.Log.InterestRegistered(Fd, direction == Direction.Read ? "readable" : "writable");
        return false;
    }

    public override void ClearReadiness(in ReadyEvent seen) => _readiness.ClearReadiness(seen);

    private void Polled(OperationKind kind, int result)
    {
        Debug.Assert(_guard.IsHeld);
        _inflight--;
        if (kind == OperationKind.PollRead) _pollReadArmed = false;
        else _pollWriteArmed = false;
    }

    // ---- Completion dispatch, cancellation, release -----------------------------------------------------------------

    /// <summary>
    /// Reap, before this registration's completion is dispatched: fetches its chunk queue (its guard is a field), and
    /// the socket object that holds the registration (<see cref="IoRegistration.Holder"/>, with the stream allocated
    /// right behind it), which the woken task's poll reads first, after every other completion of this reap: its
    /// first touch was the largest item of that poll at 1,000 connections (<c>IoOperation.TryBeginPoll</c>).
    /// </summary>
    internal void PrefetchDependents()
    {
        IoUringDriver.PrefetchObject(_chunks);
        IoUringDriver.PrefetchTwoLines(Holder);
    }

    /// <summary>
    /// The thread parked in <paramref name="from"/>: one completion for this registration. Returns true when the
    /// registration is finished.
    /// </summary>
    internal bool Complete(IoUringInstance from, OperationKind kind, int result, uint flags)
    {
        Waker wake = default;
        bool starved = false;
        bool finished;
        _guard.Enter(_driver.WakerContention);
        try
        {
            switch (kind)
            {
                case OperationKind.Receive:
                    Received(from, result, flags, out wake, out starved);
                    break;
                case OperationKind.Send:
                    Sent(result, out wake);
                    break;
                case OperationKind.Accept:
                    AcceptCompleted(result, flags, out wake);
                    break;
                case OperationKind.PollRead:
                case OperationKind.PollWrite:
                    Polled(kind, result);
                    break;
            }
            finished = _released && _inflight == 0;
        }
        finally
        {
            _guard.Exit();
        }
        if (kind is OperationKind.PollRead or OperationKind.PollWrite)
        {
            // A failed poll (e.g. cancelled) reports everything ready: the operation retries its syscall and meets the error.
            var ready = result >= 0
                ? ReadyExtensions.FromEpoll((uint)result)
                : Ready.ReadInterest | Ready.WriteInterest;
            if (_readiness.SetReadiness(Generation, _driver.Tick, ready)) _readiness.Wake(ready);
        }
        if (starved) from.Starved(this);
        Woken(wake, kind == OperationKind.Send ? "writable" : "readable");
        return finished;
    }

    public override void Cancel(Direction direction)
    {
        // Nothing submitted belongs to one read or write (the multishot receive and the send buffer belong to the
        // socket), so nothing is cancelled in the kernel and no byte is lost: the waker is forgotten.
        _guard.Enter(_driver.WakerContention);
        try
        {
            if (direction == Direction.Read) _reader = default;
            else _writer = default;
        }
        finally
        {
            _guard.Exit();
        }
        _readiness.ClearWaker(direction, Generation);
    }

    public override bool IsReleased => Volatile.Read(ref _released);

    /// <summary>
    /// Cancels the multishot requests and polls (a queued send completes: its bytes were accepted by a write), wakes
    /// waiting operations, and frees the slot now or when the last completion arrives.
    /// </summary>
    public override void Deregister()
    {
        Waker reader, writer;
        bool finished;
        _guard.Enter(_driver.WakerContention);
        try
        {
            if (_released) return;
            _released = true;
            if (!_driver.IsDisposed)
            {
                if (_receiveArmed) _receiveOn!.QueueCancel(Token(OperationKind.Receive));
                if (_acceptArmed) _acceptOn!.QueueCancel(Token(OperationKind.Accept));
                if (_pollReadArmed) _pollReadOn!.QueueCancel(Token(OperationKind.PollRead));
                if (_pollWriteArmed) _pollWriteOn!.QueueCancel(Token(OperationKind.PollWrite));
            }
            while (_chunkCount > 0)
            {
                // After the driver's Dispose there are none left (DropUnread): the buffers' memory is freed.
                _chunks[_chunkHead].From.Recycle(_chunks[_chunkHead].BufferId);
                _chunkHead = (_chunkHead + 1) % _chunks.Length;
                _chunkCount--;
            }
            while (_accepted is not null && _accepted.TryDequeue(out int fd)) Libc.close(fd);
            reader = Take(ref _reader);
            writer = Take(ref _writer);
            finished = _inflight == 0 || _driver.IsDisposed;
            if (_sendQueued > _sendInFlight)
            {
                // Bytes behind the in-flight send go out when it completes, after .NET closed its fd: keep our own.
                if (!Linger()) _sendQueued = _sendInFlight; // out of descriptors: like a close with unsent data, they are lost
            }
            // The fd closes when we return: no SQE may name it after that (the number may name another socket then).
            // A worker may have deferred a send or receive of ours into its own ring, which only that worker enters:
            // those SQEs are pointed at our duplicate instead, kept until our last completion (out of descriptors:
            // at -1, and they fail with EBADF). The cancels above name no fd: they may wait for their ring's worker,
            // who was unparked for them.
            if (!_driver.IsDisposed)
            {
                int replacement = Fd;
                if (_driver.WorkerRingsName(Fd)) replacement = Linger() ? _lingerFd!.Fd : -1;
                _driver.BeforeClose(Fd, replacement, Slot);
                // Out of the tables now, as a closed fd would be: only requests already issued keep the socket.
                if (_fileTables != 0) _fileTables = _driver.RemoveFromFileTablesAtClose(Slot, _fileTables);
            }
        }
        finally
        {
            _guard.Exit();
        }
        _driver.Deregistered(this, finished);
        _readiness.Release(Generation);
        Woken(reader, "readable");
        Woken(writer, "writable");
    }

    /// <summary>
    /// Driver: the last completion arrived after Deregister (or the driver is gone): frees what we own. Idempotent and
    /// under the lock: the driver's Dispose and a socket's Deregister on another thread may both call it.
    /// </summary>
    internal void Free()
    {
        _guard.Enter(_driver.WakerContention);
        try
        {
            // Nothing is in flight any more: the tables' entries go (with them the socket, if .NET closed its fd), and
            // the slot may be reused.
            if (_fileTables != 0) _driver.RemoveFromFileTables(Slot, _fileTables);
            _fileTables = 0;
            _lingerFd?.Dispose();
            if (_sendBuffer != null)
            {
                _driver.SendBuffers.Return(_sendBuffer); // freed there once the driver is disposed
                _sendBuffer = null;
            }
        }
        finally
        {
            _guard.Exit();
        }
    }

    /// <summary>
    /// Driver's Dispose, its rings closed and drained, before it frees the provided buffers: forgets the unread chunks
    /// without recycling them (their memory is about to go; a socket that outlives its driver is deregistered later,
    /// and must not write into it then). Returns the bytes dropped (<see cref="IoUringDriver.UnreadBytesDroppedAtDispose"/>).
    /// </summary>
    internal long DropUnread()
    {
        _guard.Enter(_driver.WakerContention);
        try
        {
            long dropped = 0;
            while (_chunkCount > 0)
            {
                ref var chunk = ref _chunks[_chunkHead];
                dropped += chunk.Length - chunk.Consumed;
                chunk = default;
                _chunkHead = (_chunkHead + 1) % _chunks.Length;
                _chunkCount--;
            }
            return dropped;
        }
        finally
        {
            _guard.Exit();
        }
    }

    /// <summary>True while a send is in flight (the driver's shutdown lets it finish).</summary>
    internal bool SendInFlight
    {
        get
        {
            _guard.Enter(_driver.WakerContention);
            try
            {
                return _sendInFlight > 0;
            }
            finally
            {
                _guard.Exit();
            }
        }
    }

    /// <summary>Provided buffers holding bytes the reader has not taken yet (tests: bounded by <see cref="MaxHeldBuffers"/>).</summary>
    internal int HeldBuffers
    {
        get
        {
            _guard.Enter(_driver.WakerContention);
            try
            {
                return _chunkCount;
            }
            finally
            {
                _guard.Exit();
            }
        }
    }

    /// <summary>Requests in flight (tests and the driver's shutdown drain).</summary>
    internal int InFlight
    {
        get
        {
            _guard.Enter(_driver.WakerContention);
            try
            {
                return _inflight;
            }
            finally
            {
                _guard.Exit();
            }
        }
    }

    /// <summary>Deregister: a duplicate of the fd, kept until the last completion (<see cref="Free"/>); false when out of descriptors.</summary>
    private bool Linger()
    {
        Debug.Assert(_guard.IsHeld);
        if (_lingerFd is not null) return true;
        int lingerFd = IoUringNative.dup(Fd);
        if (lingerFd < 0) return false;
        _lingerFd = new FileDescriptorHandle(lingerFd);
        return true;
    }

    /// <summary>Tests: the duplicate SQEs name after Deregister (-1: none).</summary>
    internal int LingerFd => _lingerFd?.Fd ?? -1;

    /// <summary>The fd SQEs name: the socket's until Deregister, then the linger duplicate if there is one.</summary>
    private bool TryGetSqeFd(out int fd)
    {
        if (_lingerFd is { IsClosed: false } linger)
        {
            fd = linger.Fd;
            return true;
        }
        fd = Fd;
        return !_released;
    }

    private static Waker Take(ref Waker waker)
    {
        var taken = waker;
        waker = default;
        return taken;
    }

    private void Woken(in Waker waker, string direction)
    {
        if (waker.IsNoop) return;
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.WakerWoken(Fd, direction);
        waker.Wake();
    }
}
