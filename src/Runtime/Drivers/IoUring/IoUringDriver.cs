using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Net.Sockets;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// The io_uring driver, completion-based (monoio's and tokio-uring's model in C#, over the raw syscalls): multishot
/// accept, multishot receive into a provided-buffer ring, sends copied into pooled send buffers
/// (<see cref="SendBufferPool"/>) and batched, and one <c>io_uring_enter</c> per executor turn that both submits and
/// waits (timeout = the next timer deadline).
/// </summary>
/// <remarks>
/// <para><b>Instances.</b> The driver owns one <see cref="IoUringInstance"/> (ring, provided buffers, eventfd) that
/// every thread shares, and under a work-stealing executor one more per worker beyond the first
/// (<see cref="TryCreateWorkerRings"/>; worker 0 takes the shared one): a worker submits its operations to, and
/// sleeps in, its own ring (<see cref="EnterWorker"/>). Registrations are the driver's, not an instance's: a
/// completion token names a slot of the driver's slab, so a socket's operations may run on any instance — each goes to
/// the instance of the thread that polls it, and the registration remembers where its multishot receive, accept and
/// polls live, to cancel them there. A task stolen to another worker keeps its receive armed on the first ring; its
/// bytes queue in the registration whichever ring delivers them, and the wake brings the task back to the worker
/// that reaped them.</para>
/// <para><b>Submission.</b> Operations queue SQEs on the calling thread's instance (<see cref="IoUringInstance.Queue"/>).
/// The thread that parked there last submits them with its next park; a deferring worker
/// (<see cref="DeferSubmissionsOnThisThread"/>) with its next park or <see cref="SubmitDeferred"/>; any other thread
/// at once, because the parker may be blocked in the kernel.</para>
/// <para><b>Park</b> (<see cref="Park"/>, the executor's driver turn with timers): runs on the calling thread's
/// instance. <c>io_uring_enter(to_submit, min_complete = timeout ? 1 : 0, GETEVENTS [| EXT_ARG timeout])</c>, then reap
/// the CQ and dispatch each completion to its registration (token = generation | slot | kind). EINTR and ETIME end
/// the park; EBUSY/EAGAIN reap and retry; an overflowed CQ (NODROP) is flushed by an enter (<see cref="CqOverflowCount"/>).</para>
/// <para><b>Unpark</b> wakes the instance the last driver turn parked in (the one that waits with the timer deadline);
/// <c>_driverNotified</c> and <c>_driverInstance</c> pair through full fences so a turn starting on another worker's
/// instance meanwhile is not missed. Each instance's eventfd is read by an IORING_OP_READ that stays armed.</para>
/// <para><b>Buffers and lifetimes.</b> Kernel-owned memory is never caller memory: receives land in an instance's
/// <see cref="ProvidedBufferRing"/>, sends read the registration's own buffer, and a registration is freed only when
/// its last completion arrived, on whichever instance. <see cref="Dispose"/> lets in-flight sends finish (bounded),
/// cancels the rest on every instance and drains the completions before unmapping anything. A socket may outlive
/// the driver (owned by another thread, or by Task code through AsStream): Dispose drops its unread chunks
/// (<see cref="UnreadBytesDroppedAtDispose"/>) and the buffer rings ignore later recycles, so its Deregister, later,
/// writes nothing into freed memory.</para>
/// </remarks>
[DebuggerDisplay("IoUringDriver ({RegistrationCount} registrations, {WaitCount} waits)")]
internal sealed unsafe class IoUringDriver : IIoDriver
{
    /// <summary>The driver whose submissions the calling thread defers (<see cref="DeferSubmissionsOnThisThread"/>).</summary>
    [ThreadStatic] private static IoUringDriver? t_deferring;

    /// <summary>The instance the calling worker thread owns (<see cref="EnterWorker"/>), of whichever driver.</summary>
    [ThreadStatic] private static IoUringInstance? t_instance;

    /// <summary>SQ entries: 1024, monoio's default ring size.</summary>
    private const uint DefaultSubmissionEntries = 1024;

    /// <summary>CQ entries per SQ entry: 4 (multishot requests post many completions per SQE; liburing's examples use 2–8).</summary>
    private const uint CompletionsPerSubmission = 4;

    /// <summary>How long Dispose lets in-flight sends finish before cancelling them: 1 s, far above a loopback send.</summary>
    private const int DisposeDrainMs = 1000;

    private readonly uint _entries;
    private IoUringInstance _shared = null!;
    private IoUringInstance[] _instances = [];
    private IoUringInstance?[] _workerInstances = [];  // by worker index; empty: every thread shares _shared
    private IoUringInstance _driverInstance = null!;  // where the last driver turn (Park) waited
    private int _driverNotified;
    private readonly Lock _slabLock = new();
    private IoUringRegistration?[] _slots = new IoUringRegistration?[64];
    private int[] _generations = new int[64];
    private readonly Stack<int> _freeSlots = new();
    private int _slotCount;
    private int _registrations;            // registered and not deregistered (guarded by _slabLock)
    private readonly Dictionary<int, IoUringInstance> _acceptedOn = []; // accepted fd → its accepter's worker ring, until registered (guarded by _slabLock)
    private long _acceptingRingPlacements; // registrations given their accepter's ring (guarded by _slabLock)
    private int _lingering;                // deregistered, waiting for their last completion (guarded by _slabLock)
    private int _tick;
    private long _starvedCount;
    private long _pausedCount;
    private long _sharedRingFallbacks;
    private long _foreignSubmits;
    private long _optionalFlagsFallbacks;
    private long _batchedWaitFallbacks;
    private long _droppedAtDispose;
    private bool _leakedAtDispose;
    private long _fileTableFallbacks;
    private long _unfixed;
    private int _receiveLimitUnsupported;
    private bool _disposed;

    private IoUringDriver(uint entries) => _entries = entries;

    /// <summary>
    /// Builds the driver, or returns the errno that says why io_uring cannot be used here (ENOSYS: no io_uring;
    /// EPERM: disabled by <c>kernel.io_uring_disabled</c> or a seccomp filter; EINVAL: a required feature, such as
    /// provided-buffer rings, is missing).
    /// </summary>
    /// <param name="entries">SQ entries (0: <see cref="DefaultSubmissionEntries"/>); tests shrink it to provoke overflow.</param>
    /// <param name="driver">The driver, when 0 is returned.</param>
    /// <param name="refuseOptionalFlags">Tests: every ring is created as on a kernel that refuses the optional setup
    /// flags (<see cref="OptionalFlagsFallbackCount"/>).</param>
    /// <param name="fileTableErrno">Tests: registering a ring's file table fails with this errno
    /// (<see cref="FileTableFallbackCount"/>). 0: no simulation.</param>
    public static int TryCreate(uint entries, out IoUringDriver? driver, bool refuseOptionalFlags = false, int fileTableErrno = 0)
    {
        driver = null;
        if (!OperatingSystem.IsLinux()) return IoUringNative.ENOSYS;
        if (entries == 0) entries = DefaultSubmissionEntries;
        var created = new IoUringDriver(entries) { SimulateOptionalFlagsRefused = refuseOptionalFlags, SimulatedFileTableErrno = fileTableErrno };
        int errno = IoUringInstance.TryCreate(created, -1, entries, CompletionsPerSubmission, out var shared);
        if (errno != 0) return errno;
        created._shared = shared!;
        created._instances = [shared!];
        created._driverInstance = shared!;
        driver = created;
        return 0;
    }

    /// <inheritdoc/>
    public IoDriverKind Kind => IoDriverKind.IoUring;

    /// <inheritdoc/>
    public int RegistrationCount
    {
        get { lock (_slabLock) return _registrations; }
    }

    /// <summary>Deregistered sockets whose last completion has not arrived yet (0 once the kernel is done with them).</summary>
    public int LingeringCount
    {
        get { lock (_slabLock) return _lingering; }
    }

    /// <inheritdoc/>
    public long WaitCount => Sum(static instance => instance.WaitCount);

    /// <summary>
    /// How many <c>io_uring_enter</c> calls only submitted (not a park): operations queued off an instance's parking
    /// thread and not deferred, or a deferring worker's <see cref="SubmitDeferred"/>.
    /// </summary>
    public long ImmediateSubmitCount => Sum(static instance => instance.ImmediateSubmitCount);

    /// <summary>Turns that did not wait and found nothing for the kernel to do, so made no <c>io_uring_enter</c>.</summary>
    internal long SkippedEnterCount => Sum(static instance => instance.SkippedEnterCount);

    /// <summary>SQEs queued on the calling thread's instance and not yet submitted (tests: a deferring thread's wait for its next submission).</summary>
    internal uint Unsubmitted => CurrentInstance.Unsubmitted;

    /// <summary>How many multishot receives ENOBUFS ended (every provided buffer waited for a reader).</summary>
    public long StarvedCount => Interlocked.Read(ref _starvedCount);

    /// <summary>How many times a socket's unread bytes reached <see cref="IoUringRegistration.MaxHeldBuffers"/> and its receive was paused.</summary>
    public long ReceivePausedCount => Interlocked.Read(ref _pausedCount);

    /// <summary>The count its registrations' <see cref="ScheduledIo"/> waker flags share (review finding 9).</summary>
    internal ContentionCounter WakerContention { get; } = new();

    /// <summary>Times a thread found a registration's waker flag held and spun for it (as <c>EpollDriver.WakerContentionCount</c>).</summary>
    public long WakerContentionCount => WakerContention.Count;

    /// <summary>How many times the CQ of an instance overflowed into the kernel's list and was flushed.</summary>
    public long CqOverflowCount => Sum(static instance => instance.CqOverflowCount);

    /// <summary>
    /// How many times a work-stealing executor asked for a ring per worker and got the shared ring instead (a worker's
    /// ring could not be created: its workers then share one ring, as before rings per worker). Also event 20.
    /// </summary>
    public long SharedRingFallbackCount => Interlocked.Read(ref _sharedRingFallbacks);

    /// <summary>
    /// How many <c>io_uring_enter</c> calls submitted into a worker's ring from a thread other than that worker (another
    /// worker's or a non-worker's cancel, the submit-everything before an fd closes). Such an enter also submits what
    /// the ring's worker had deferred, and the kernel then runs those requests' completion work on (and wakes) the
    /// submitting thread for as long as they live — the cost rings per worker exist to avoid. 0 without worker rings.
    /// Also the Meter's <c>asyncgen.io.foreign_ring_submits</c>, per executor.
    /// </summary>
    public long ForeignRingSubmitCount => Interlocked.Read(ref _foreignSubmits);

    /// <summary>
    /// How many SQEs another thread queued into a worker's ring and left for that worker to submit (with an unpark)
    /// instead of entering the ring itself: cancels of requests living there, operations of non-worker threads on
    /// worker 0's ring. 0 without worker rings. Also the Meter's <c>asyncgen.io.forwarded_submits</c>, per executor.
    /// </summary>
    public long ForwardedSubmitCount => Sum(static instance => instance.ForwardedCount);

    /// <summary>
    /// How many reads on a worker took bytes that another worker's ring received: the reading task had been stolen away
    /// from the ring its receive lives on (the receive stays armed there), so the buffer is recycled across rings and
    /// the next completion wakes the task back on the other worker. The cost of stealing a task whose I/O lives on
    /// another ring, per read; 0 without worker rings. Also the Meter's <c>asyncgen.io.cross_ring_reads</c>, per executor.
    /// </summary>
    public long CrossRingReadCount => Sum(static instance => instance.CrossRingReadCount);

    /// <summary>
    /// How many of this driver's rings the kernel created without IORING_SETUP_SUBMIT_ALL, COOP_TASKRUN and
    /// TASKRUN_FLAG (kernels before 5.19 refuse them with EINVAL): there, completion work interrupts the thread that
    /// submitted the request (an IPI even while it runs) and every non-waiting turn enters the kernel, because nothing
    /// says whether completion work waits. The first one also raises <c>DriverFallback</c> (event 20).
    /// </summary>
    public long OptionalFlagsFallbackCount => Interlocked.Read(ref _optionalFlagsFallbacks);

    /// <summary>
    /// How many of this driver's rings have no file table although they could (the kernel refused a sparse
    /// IORING_REGISTER_FILES2, before 5.19; or a worker beyond the 63rd): their socket operations name the fd, and the
    /// kernel looks it up and takes a reference on the socket's file for each request (<c>fget</c>, 2.3 % of the
    /// one-thread echo server's time at 1,000 connections). The first one also raises <c>DriverFallback</c> (event 20).
    /// Rings created SINGLE_ISSUER (opt-in batched worker rings) have none by design and are not counted.
    /// </summary>
    public long FileTableFallbackCount => Interlocked.Read(ref _fileTableFallbacks);

    /// <summary>
    /// How many of this driver's rings grew past their initial provided buffers (they serve many sockets) and keep
    /// them on 4 KiB pages: the kernel refused MADV_HUGEPAGE (transparent huge pages disabled) or the address space
    /// could not be reserved. Each receive then misses the TLB for the buffer the kernel copies into and the reader
    /// copies out of (see <see cref="ProvidedBufferRing"/>, "Huge pages").
    /// </summary>
    public long HugePageFallbackCount => Sum(static instance => instance.Buffers.HugePagesRefused ? 1 : 0);

    /// <summary>
    /// Receives and sends queued on a ring with a file table that still named the plain fd: the socket's registration
    /// slot is beyond <see cref="IoUringInstance.FileTableSize"/> (more sockets registered at once), or the kernel
    /// refused to install it.
    /// </summary>
    public long UnfixedOperationCount => Interlocked.Read(ref _unfixed);

    /// <summary>Sockets in the file tables of this driver's rings now (tests: none left once every socket was released).</summary>
    public int FilesInstalled => (int)Sum(static instance => instance.FilesInstalled);

    /// <summary>A ring runs without a file table: counted, and reported once.</summary>
    internal void FileTableRefused(string reason)
    {
        if (Interlocked.Increment(ref _fileTableFallbacks) != 1) return;
        AsyncGenEventSource.Log.DriverFallback("IoUring registered files", "IoUring without registered files",
            $"{reason}; socket operations name their fd, looked up by the kernel for each request");
    }

    /// <summary>A socket operation on a ring with a file table named the plain fd (see <see cref="UnfixedOperationCount"/>).</summary>
    internal void CountUnfixed() => Interlocked.Increment(ref _unfixed);

    /// <summary>Tests only: registering a ring's file table fails with this errno. 0: no simulation.</summary>
    internal int SimulatedFileTableErrno { get; private init; }

    /// <summary>
    /// A registration whose fd is about to close (<see cref="IoUringRegistration.Deregister"/>, after
    /// <see cref="BeforeClose"/>): clears its entry <paramref name="slot"/> now in every ring of <paramref name="tables"/>
    /// where no unsubmitted SQE names it, and returns the rings where one still does (a worker's deferred request,
    /// cleared at the last completion). Its requests in flight hold the socket's file themselves (the kernel took it
    /// when it issued them), so the entry's reference is the last one once they complete: without this the socket would
    /// stay open, its peer never seeing the end of the stream, until the ring's owner reaps the last completion, which
    /// may be never (a LocalExecutor whose BlockOn returned).
    /// </summary>
    internal ulong RemoveFromFileTablesAtClose(int slot, ulong tables)
    {
        foreach (var instance in Volatile.Read(ref _instances))
        {
            ulong bit = instance.FileTableBit;
            if ((tables & bit) == 0 || instance.HasUnsubmittedNaming(-1, slot)) continue;
            instance.RemoveFile(slot);
            tables &= ~bit;
        }
        return tables;
    }

    /// <summary>
    /// A registration whose last request completed: clears its entry (<paramref name="slot"/>) in every ring whose bit
    /// is in <paramref name="tables"/>.
    /// </summary>
    internal void RemoveFromFileTables(int slot, ulong tables)
    {
        foreach (var instance in Volatile.Read(ref _instances))
        {
            if ((tables & instance.FileTableBit) != 0) instance.RemoveFile(slot);
        }
    }

    /// <summary>Tests only: rings are created as if the kernel refused the optional setup flags.</summary>
    internal bool SimulateOptionalFlagsRefused { get; private init; }

    /// <summary>Tests only: worker rings are created as if the kernel refused SINGLE_ISSUER | DEFER_TASKRUN.</summary>
    internal bool SimulateSingleIssuerRefused { get; set; }

    /// <summary>Worker rings are asked for SINGLE_ISSUER | DEFER_TASKRUN and batched waits (<see cref="DriverOptions.BatchedWorkerRings"/>); set before <see cref="TryCreateWorkerRings"/>.</summary>
    internal bool BatchedWorkerRings { get; set; }

    /// <summary>Sockets whose receives were placed on the ring of the worker that accepted them (<see cref="ReceiveOnAcceptingRing"/>).</summary>
    internal long AcceptingRingPlacementCount
    {
        get
        {
            lock (_slabLock) return _acceptingRingPlacements;
        }
    }

    /// <summary>An accepted socket's receives go to its accepter's ring (<see cref="DriverOptions.ReceiveOnAcceptingRing"/>, <see cref="NoteAccepted"/>).</summary>
    internal bool ReceiveOnAcceptingRing { get; set; }

    /// <summary>
    /// How many worker rings asked for batched waits (<see cref="BatchedWorkerRings"/>) run without them: the kernel refused IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN
    /// (before 6.1), or lacks IORING_FEAT_MIN_TIMEOUT (before 6.12). There the kernel interrupts a worker for each
    /// completion's work, and a park waits for the first completion. The first one also raises <c>DriverFallback</c>
    /// (event 20).
    /// </summary>
    public long BatchedWaitFallbackCount => Interlocked.Read(ref _batchedWaitFallbacks);

    /// <summary>A worker ring runs without batched waits: counted, and reported once.</summary>
    internal void BatchedWaitsRefused(string reason)
    {
        if (Interlocked.Increment(ref _batchedWaitFallbacks) != 1) return;
        AsyncGenEventSource.Log.DriverFallback("IoUring batched worker rings", "IoUring worker rings without DEFER_TASKRUN",
            $"{reason}; a worker is woken for every completion instead of once per batch");
    }

    /// <summary>
    /// Times a closing thread waited (spinning, microseconds) for a worker's submit that may have been reading an SQE
    /// it pointed at a duplicate fd (<see cref="IoUringInstance.Retarget"/>).
    /// </summary>
    public long CloseWaitCount => Sum(static instance => instance.CloseWaitCount);

    /// <summary>A ring of this driver runs without the optional setup flags: counted, and reported once.</summary>
    internal void OptionalFlagsRefused()
    {
        if (Interlocked.Increment(ref _optionalFlagsFallbacks) != 1) return;
        AsyncGenEventSource.Log.DriverFallback("IoUring", "IoUring without COOP_TASKRUN",
            "the kernel refused IORING_SETUP_SUBMIT_ALL | COOP_TASKRUN | TASKRUN_FLAG (Linux 5.19); completion work interrupts the submitting thread and every turn enters the kernel");
    }

    /// <summary>Counts an enter on <paramref name="instance"/> when the calling thread is not the worker that owns it (see <see cref="ForeignRingSubmitCount"/>).</summary>
    internal void CountIfForeign(IoUringInstance instance)
    {
        if (instance.IsWorkerRing && !ReferenceEquals(t_instance, instance)) Interlocked.Increment(ref _foreignSubmits);
    }

    /// <summary>Tests: worker <paramref name="index"/>'s ring (after <see cref="TryCreateWorkerRings"/>).</summary>
    internal IoUringInstance WorkerInstance(int index) => _workerInstances[index]!;

    /// <summary>Tests: the shared ring (threads that are not workers, and SQEs queued after a worker ring retired).</summary>
    internal IoUringInstance SharedInstance => _shared;

    /// <summary>
    /// Received bytes no reader took before the driver was disposed, dropped with its buffers (a socket that outlives
    /// its executor loses what the old executor received for it but did not deliver).
    /// </summary>
    public long UnreadBytesDroppedAtDispose => Interlocked.Read(ref _droppedAtDispose);

    /// <summary>
    /// Whether <see cref="Dispose"/> found a request the kernel could still hold (a worker ring not drained by its
    /// worker, or a request the cancel did not end) and so leaked the rings' memory, buffers and registrations instead
    /// of freeing them under the kernel; reported as event 21 (<c>DriverMemoryLeaked</c>).
    /// </summary>
    public bool LeakedAtDispose => Volatile.Read(ref _leakedAtDispose);

    /// <summary>io_uring instances: 1, plus one per worker once <see cref="TryCreateWorkerRings"/> succeeded.</summary>
    public int InstanceCount => Volatile.Read(ref _instances).Length;

    /// <inheritdoc/>
    public bool IsDisposed => Volatile.Read(ref _disposed);

    /// <summary>The send buffers its registrations rent while they have bytes to send.</summary>
    internal SendBufferPool SendBuffers { get; } = new();

    /// <summary>The shared instance's buffers (tests: every buffer back in the ring).</summary>
    internal ProvidedBufferRing Buffers => _shared.Buffers;

    /// <summary>Provided buffers of every instance not in their rings (tests: 0 once every byte was read or released).</summary>
    internal int BuffersOut => _instances.Sum(static instance => instance.Buffers.Populated - instance.Buffers.Available);

    /// <summary>Tests only: a worker ring's creation fails with this errno, so the shared-ring fallback runs. 0: none.</summary>
    internal int SimulatedWorkerRingErrno { get; set; }

    internal int Tick => Volatile.Read(ref _tick);

    /// <summary>A park returned: the readiness tick moves on (any instance's park; a CAS, so two parks never share a tick).</summary>
    internal void AdvanceTick()
    {
        int seen = Volatile.Read(ref _tick);
        while (true)
        {
            int found = Interlocked.CompareExchange(ref _tick, ScheduledIo.NextTick(seen), seen);
            if (found == seen) return;
            seen = found;
        }
    }

    private long Sum(Func<IoUringInstance, long> counter)
    {
        long total = 0;
        foreach (var instance in Volatile.Read(ref _instances)) total += counter(instance);
        return total;
    }

    /// <summary>
    /// The instance the calling thread submits to and parks in: its worker ring; for other threads, worker 0's ring
    /// while its worker runs (they leave their SQEs there for it, <see cref="IoUringInstance.Queue"/>), else the shared one.
    /// </summary>
    internal IoUringInstance CurrentInstance
    {
        get
        {
            if (t_instance is { } own && ReferenceEquals(own.Driver, this)) return own;
            var workers = _workerInstances;
            return workers.Length != 0 && workers[0]!.HasOwner ? workers[0]! : _shared;
        }
    }

    /// <summary>The calling worker thread's own ring (<see cref="EnterWorker"/>) of this driver, or null.</summary>
    internal IoUringInstance? OwnInstance => t_instance is { } own && ReferenceEquals(own.Driver, this) ? own : null;

    /// <summary>True when the calling thread defers what it queues into <paramref name="instance"/>: a worker, into the instance it parks in.</summary>
    internal bool DefersInto(IoUringInstance instance) => t_deferring == this && ReferenceEquals(CurrentInstance, instance);

    // ---- Worker rings ----------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public bool TryCreateWorkerRings(int workers)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_workerInstances.Length != 0) throw new InvalidOperationException("This io_uring driver already has worker rings.");
        // Worker 0 gets a ring of its own like the others (the shared one was created by whichever thread built the
        // driver, so it cannot have the worker as its single issuer); the shared ring keeps what threads that are not
        // workers queue once worker 0 has ended, and the driver's Dispose reaps it.
        var instances = new IoUringInstance[workers];
        for (int i = 0; i < workers; i++)
        {
            int errno = SimulatedWorkerRingErrno != 0 && i > 0
                ? SimulatedWorkerRingErrno
                : IoUringInstance.TryCreate(this, i, _entries, CompletionsPerSubmission, out instances[i]!, workerRing: true,
                    singleIssuer: BatchedWorkerRings);
            if (errno == 0) continue;
            // All or nothing: a worker without a ring of its own would park in the shared one, which worker 0 owns.
            for (int j = 0; j < i; j++)
            {
                instances[j].Close();
                instances[j].FreeMemory();
            }
            Interlocked.Increment(ref _sharedRingFallbacks);
            AsyncGenEventSource.Log.DriverFallback("IoUring ring per worker", "IoUring shared ring",
                $"a worker's io_uring could not be created (errno {errno}); the {workers} workers share one ring");
            return false;
        }
        _workerInstances = instances;
        Volatile.Write(ref _instances, [_shared, .. instances]);
        return true;
    }

    /// <inheritdoc/>
    public IParker? EnterWorker(int index)
    {
        if (index >= _workerInstances.Length) return null;
        var own = _workerInstances[index]!;
        t_instance = own;
        own.TakeOwnership();
        return own;
    }

    /// <inheritdoc/>
    public void ExitWorker()
    {
        t_instance?.Retire(DisposeDrainMs); // drained by its worker: no other thread will have to enter it
        t_instance = null;
    }

    // ---- Registrations ---------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public IoRegistration Register(Socket socket, bool connecting)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var owner = socket.SafeHandle;
        int fd = (int)owner.DangerousGetHandle();
        lock (_slabLock)
        {
            int slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : NewSlot();
            int generation = ++_generations[slot];
            IoUringInstance? home = null;
            if (_acceptedOn.Count != 0 && _acceptedOn.Remove(fd, out home)) _acceptingRingPlacements++;
            var registration = new IoUringRegistration(this, slot, generation, owner, fd,
                socket.SocketType == SocketType.Stream, connecting, home);
            Volatile.Write(ref _slots[slot], registration);
            _registrations++;
            return registration;
        }
    }

    /// <summary>
    /// Accept, on the thread taking <paramref name="fd"/> from a listener, with <see cref="ReceiveOnAcceptingRing"/> and
    /// more than one worker ring: remembers the accepting worker's ring as the socket's home, where its receives will
    /// live whichever worker first polls it. Without it a worker that steals a burst of new connections' first polls
    /// arms their receives on its own ring (src/Runtime/Executors/WorkStealing/README.md, "Which ring a socket lives
    /// on"). Counted: <see cref="AcceptingRingPlacementCount"/>. Keyed by fd: an entry left by a socket closed
    /// unregistered is a hint for the next socket given that number, never more.
    /// </summary>
    internal void NoteAccepted(int fd)
    {
        if (!ReceiveOnAcceptingRing || _workerInstances.Length < 2 || OwnInstance is not { } own) return;
        lock (_slabLock) _acceptedOn[fd] = own;
    }

    private int NewSlot()
    {
        Debug.Assert(_slabLock.IsHeldByCurrentThread);
        if (_slotCount == CompletionToken.MaxSlot) throw new InvalidOperationException("More than 16M sockets registered with one io_uring driver.");
        if (_slotCount == _slots.Length)
        {
            Array.Resize(ref _generations, _slots.Length * 2);
            var grown = new IoUringRegistration?[_slots.Length * 2];
            _slots.CopyTo(grown, 0);
            Volatile.Write(ref _slots, grown); // instances read the array without the lock
        }
        return _slotCount++;
    }

    /// <summary>The live registration a completion token names, or null (its slot was freed or reused).</summary>
    internal IoUringRegistration? Find(ulong token)
    {
        var slots = Volatile.Read(ref _slots);
        int slot = CompletionToken.Slot(token);
        var registration = slot < slots.Length ? Volatile.Read(ref slots[slot]) : null;
        return registration is not null && registration.Generation == CompletionToken.Generation(token) ? registration : null;
    }

    /// <summary>
    /// Asks the CPU to fetch the first lines of the registration a completion token names, without waiting for them
    /// (x86; elsewhere nothing). A stale slot or a moved object costs a useless fetch, never a wrong result.
    /// </summary>
    internal void Prefetch(ulong token)
    {
        if (!Sse.IsSupported || PrefetchTarget(token) is not { } registration) return;
        byte* address = (byte*)Unsafe.As<IoUringRegistration, nint>(ref registration);
        Sse.Prefetch0(address);
        Sse.Prefetch0(address + 64);
        Sse.Prefetch0(address + 128);
        Sse.Prefetch0(address + 192);
    }

    /// <summary>
    /// The second step of <see cref="Prefetch"/>, one completion later, when the registration's own lines are likely
    /// in the cache: fetches the objects it points to that dispatching its completion touches (its lock, its chunks).
    /// </summary>
    internal void PrefetchDependents(ulong token)
    {
        if (Sse.IsSupported) PrefetchTarget(token)?.PrefetchDependents();
    }

    /// <summary>Asks the CPU for the first line of <paramref name="target"/> (x86 only; a moved object costs a useless fetch).</summary>
    internal static void PrefetchObject<T>(T? target) where T : class
    {
        if (Sse.IsSupported && target is not null) Sse.Prefetch0((void*)Unsafe.As<T, nint>(ref target));
    }

    /// <summary>The registration in the slot a token names, unchecked (its generation is not compared: only for prefetching).</summary>
    private IoUringRegistration? PrefetchTarget(ulong token)
    {
        var slots = Volatile.Read(ref _slots);
        int slot = CompletionToken.Slot(token);
        return slot < slots.Length ? Volatile.Read(ref slots[slot]) : null;
    }

    /// <summary>A registration was deregistered; <paramref name="finished"/>: nothing of it is in flight.</summary>
    internal void Deregistered(IoUringRegistration registration, bool finished)
    {
        lock (_slabLock)
        {
            _registrations--;
            if (!finished)
            {
                _lingering++;
                return;
            }
        }
        Release(registration, lingering: false);
    }

    /// <summary>The last completion of a deregistered registration arrived: its slot is free.</summary>
    internal void ReleaseLingering(IoUringRegistration registration) => Release(registration, lingering: true);

    private void Release(IoUringRegistration registration, bool lingering)
    {
        registration.Free();
        lock (_slabLock)
        {
            if (lingering) _lingering--;
            _slots[registration.Slot] = null;
            _freeSlots.Push(registration.Slot);
        }
    }

    /// <summary>
    /// True while multishot receives may carry a byte limit (<c>sqe->optlen</c>, Linux 6.17's "multishot receive len
    /// cap"); false once a kernel refused one with EINVAL. Without it a slow reader's share of the buffer ring is
    /// bounded only by cancelling its receive at the cap, which the kernel may outrun.
    /// </summary>
    public bool ReceiveLimitSupported => Volatile.Read(ref _receiveLimitUnsupported) == 0;

    /// <summary>A limited receive was refused (EINVAL): receives are armed without a limit from now on, and the event says so once.</summary>
    internal void ReceiveLimitUnsupported()
    {
        if (Interlocked.Exchange(ref _receiveLimitUnsupported, 1) == 1) return;
        AsyncGenEventSource.Log.DriverFallback("IoUring", "IoUring without receive limits",
            "the kernel lacks the multishot receive byte limit (Linux 6.17); a slow reader's buffers are bounded by cancelling its receive");
    }

    /// <summary>A socket's unread bytes reached the cap: its receive is being cancelled (counted, see <see cref="ReceivePausedCount"/>).</summary>
    internal void ReceivePaused() => Interlocked.Increment(ref _pausedCount);

    /// <summary>A multishot receive ended with ENOBUFS (counted, see <see cref="StarvedCount"/>).</summary>
    internal void CountStarved() => Interlocked.Increment(ref _starvedCount);

    // ---- Submission ------------------------------------------------------------------------------------------------

    /// <summary>Queues an SQE on the calling thread's instance; returns the instance it went to (where a cancel of it must go).</summary>
    internal IoUringInstance Queue(in Sqe sqe) => CurrentInstance.Queue(sqe);

    /// <summary>An SQE for a worker ring that retired goes to the shared ring, submitted by the caller.</summary>
    internal IoUringInstance QueueOnShared(in Sqe sqe) => _shared.Queue(sqe);

    /// <summary>True when a worker ring holds an unsubmitted SQE naming <paramref name="fd"/> (about to close).</summary>
    internal bool WorkerRingsName(int fd)
    {
        foreach (var instance in _workerInstances)
        {
            if (instance!.HasUnsubmittedNaming(fd)) return true;
        }
        return false;
    }

    /// <summary>
    /// Before <paramref name="fd"/> closes (any thread): unsubmitted SQEs naming it on worker rings are pointed at
    /// <paramref name="replacement"/> (the registration's duplicate; no enter into a worker's ring), and the shared
    /// ring, which any thread may enter, submits its own if one names it or its file-table entry
    /// <paramref name="fileIndex"/>. Afterwards the number may name another socket.
    /// </summary>
    internal void BeforeClose(int fd, int replacement, int fileIndex)
    {
        foreach (var instance in _workerInstances)
        {
            if (replacement != fd) instance!.Retarget(fd, replacement);
        }
        _shared.SubmitAllIfNaming(fd, _shared.FileTableBit != 0 ? fileIndex : -1);
    }

    /// <inheritdoc/>
    public void DeferSubmissionsOnThisThread(bool defer) => t_deferring = defer ? this : null;

    /// <inheritdoc/>
    public void SubmitDeferred()
    {
        if (!IsDisposed) CurrentInstance.SubmitDeferred();
    }

    // ---- Parking ---------------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public void Park(int timeoutMs)
    {
        var instance = CurrentInstance;
        if (_instances.Length > 1)
        {
            // Pairs with Unpark: either its flag is seen here, or it sees this instance as the one to wake.
            Volatile.Write(ref _driverInstance, instance);
            Interlocked.MemoryBarrier();
            if (Interlocked.Exchange(ref _driverNotified, 0) == 1) timeoutMs = 0;
        }
        instance.Park(timeoutMs);
    }

    /// <inheritdoc/>
    public void Unpark()
    {
        if (_instances.Length == 1)
        {
            _shared.Unpark();
            return;
        }
        var instance = Volatile.Read(ref _driverInstance);
        if (instance.IsParkingThread) return; // the driver turn itself: not blocked
        Interlocked.Exchange(ref _driverNotified, 1);
        instance = Volatile.Read(ref _driverInstance); // after the fence: a turn that began on another instance meanwhile
        instance.Unpark();
    }

    /// <summary>
    /// Lets in-flight sends finish (at most <see cref="DisposeDrainMs"/>), cancels every other request on every
    /// instance, drains their completions, then closes the rings and frees the buffers. Registrations still held by
    /// sockets become inert. Runs after the executor's threads stopped: this thread reaps the shared instance; each
    /// worker ring was drained by its worker (<see cref="ExitWorker"/>) and only its worker may enter it — one that
    /// did not drain leaves the memory of its requests leaked rather than freed under the kernel, and says so
    /// (<see cref="LeakedAtDispose"/>, event 21).
    /// </summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        var all = _instances;
        IoUringInstance[] instances = [.. all.Where(static instance => !instance.IsWorkerRing)];
        int waitMs = instances.Length == 1 ? 10 : 1; // several rings are waited on in turn
        long deadline = Environment.TickCount64 + DisposeDrainMs;
        while (SendInFlight() && Environment.TickCount64 < deadline)
        {
            foreach (var instance in instances)
            {
                instance.SubmitAndWait(waitMs);
                instance.Reap();
            }
        }
        foreach (var instance in instances) instance.CancelEverything();
        for (int round = 0; round < 100 && InFlight() > 0; round++)
        {
            foreach (var instance in instances)
            {
                instance.SubmitAndWait(waitMs);
                instance.Reap();
            }
        }
        long inFlight = InFlight();
        int undrainedRings = all.Count(static instance => instance.IsWorkerRing && !instance.Retired && instance.HasEverOwner);
        bool drained = inFlight == 0 && undrainedRings == 0;
        Volatile.Write(ref _disposed, true);
        foreach (var instance in all) instance.Close();
        // Sockets may outlive the driver (owned by another thread, or by Task code through AsStream) and deregister
        // later: their unread chunks are dropped now, so that Deregister recycles nothing into the freed buffers.
        IoUringRegistration?[] slots;
        lock (_slabLock) slots = _slots;
        foreach (var registration in slots)
        {
            if (registration is not null) Interlocked.Add(ref _droppedAtDispose, registration.DropUnread());
        }
        // If the kernel still held a request (it never should after the cancel), its memory must outlive it: leak it.
        if (!drained)
        {
            Volatile.Write(ref _leakedAtDispose, true);
            AsyncGenEventSource.Log.DriverMemoryLeaked("IoUring", inFlight, undrainedRings);
            return;
        }
        foreach (var registration in slots) registration?.Free();
        SendBuffers.Dispose();
        foreach (var instance in all) instance.FreeMemory();
    }

    /// <summary>True while a send of any registration is in flight (a retiring worker ring and the Dispose let it finish).</summary>
    internal bool SendInFlight()
    {
        lock (_slabLock)
        {
            foreach (var registration in _slots)
            {
                if (registration is not null && registration.SendInFlight) return true;
            }
            return false;
        }
    }

    private int InFlight()
    {
        int total = 0;
        foreach (var instance in _instances) total += instance.WakeInFlight;
        lock (_slabLock)
        {
            foreach (var registration in _slots) total += registration?.InFlight ?? 0;
        }
        return total;
    }
}
