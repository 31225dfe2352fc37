using System.Collections.Concurrent;
using System.Diagnostics;
using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Executors;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// A single-threaded executor: polls ready tasks on the thread that calls <see cref="Run"/> or
/// <see cref="BlockOn{T}(IFuture{T})"/>, and parks that thread (in the reactor, until the next timer deadline) when
/// nothing is ready. Wakers may be woken from any thread.
/// </summary>
/// <remarks>
/// <para>The loop (the seed's "check wake queue, poll ready tasks, sleep if idle"): poll a batch of at most
/// <see cref="EventInterval"/> tasks, then turn the driver — I/O and due timers — without blocking; when nothing is
/// queued, park until an event, a timer deadline or a wake from another thread. The batch bound keeps a task that
/// wakes itself (or 100,000 freshly spawned tasks) from starving timers and I/O; the per-poll budget of resource
/// operations (<see cref="CoopBudget"/>) keeps a task whose sockets or channels are always ready from starving
/// other tasks.</para>
/// <para>Three queues. Tasks the driver woke (a timer that fired, a socket that became ready) go to the driver
/// queue; spawns and other wakes on the executor thread to the ready queue; wakes from other threads (and spawns
/// before the executor runs) to a concurrent queue whose tasks join the ready queue's tail at each batch (tokio's
/// local and inject queues). The two executor-thread queues are array rings (<see cref="TaskRing"/>) that keep their size, so a burst of
/// 100k spawns allocates nothing once the executor has seen one; a <see cref="ConcurrentQueue{T}"/> keeps only its
/// last segment when drained, so the next burst allocated a larger one (measured: 20–50 B per spawned task, issue 14).
/// A batch polls the driver queue first, at most <see cref="DriverShare"/> of it, then fills up from the
/// ready queue (and, when that runs dry, from the driver queue again), so a turn of the driver is not undone by the
/// queue behind it. So a sleeper whose deadline passed waits for
/// at most the rest of the current batch and the due tasks woken before it — not for every first poll spawned
/// before it — and spawned or task-woken work keeps at least an eighth of every batch however busy the sockets are.
/// See <c>src/Runtime/Time/README.md</c>.</para>
/// </remarks>
[DebuggerDisplay("LocalExecutor ({TaskCount} tasks)")]
public sealed class LocalExecutor : IDisposable, ITaskScheduler
{
    /// <summary>Tasks polled between two checks of I/O and timers (61: tokio's event_interval, a prime).</summary>
    internal const int EventInterval = 61;

    /// <summary>
    /// Tasks of the driver queue polled first in a batch: 54, all of <see cref="EventInterval"/> but an eighth, so
    /// the ready queue keeps at least 7 polls of every batch under any I/O load. Measured (benchmarks/README.md,
    /// 100k sleeps): half of the batch left p50 overshoot near 100 ms on the loaded CI VM where 54 gives ~10 ms.
    /// </summary>
    internal const int DriverShare = EventInterval - EventInterval / 8;

    [ThreadStatic] private static LocalExecutor? t_current;

    private readonly Driver _driver;
    private readonly WakerTable _tasks;
    /// <summary>
    /// Initial capacity of the executor-thread queues: 256, a work-stealing worker's local queue (tokio's), so the
    /// wakes of one turn of a busy server's driver fit before either ring has to grow (a growth allocates).
    /// </summary>
    private const int InitialQueueCapacity = Executors.WorkStealing.LocalQueue.Capacity;

    private readonly TaskRing _ready = new(InitialQueueCapacity);       // executor thread only, while it runs: spawns and wakes
    private readonly TaskRing _driverWoken = new(InitialQueueCapacity); // executor thread only: wakes issued while it turns the driver
    private readonly ConcurrentQueue<ITaskCell> _remote = new(); // any other thread, or before the executor runs
    private bool _turningDriver;                             // executor thread only: inside _driver.Park
    private int _parked;          // 1 while the executor thread is (about to be) parked: wakers must unpark it
    private int _runningThread;   // managed thread id inside Run/BlockOn; minus it while another thread's Spawn adds its task; else 0
    private bool _disposed;

    /// <summary>Creates an executor whose driver follows <paramref name="options"/> (default: the best available).</summary>
    /// <exception cref="InvalidOperationException"><c>ASYNCGEN_DRIVER</c> names no driver.</exception>
    public LocalExecutor(DriverOptions? options = null)
    {
        _driver = Driver.Create(options);
        _tasks = new WakerTable(this);
        _metrics = new ExecutorMetrics(AsyncGenMetrics.LocalKind, threads: 1, () => _tasks.Count, () => _ready.Count + _driverWoken.Count + _remote.Count, _ => 0) { Dump = DumpTasks, IoDriver = _driver.Io };
    }

    private readonly ExecutorMetrics _metrics;

    /// <summary>The executor running on this thread, or null.</summary>
    public static LocalExecutor? Current => t_current;

    /// <summary>Number of spawned tasks that have not completed.</summary>
    public int TaskCount => _tasks.Count;

    /// <summary>
    /// The executor's name, unique in the process (<c>local-1</c>, <c>local-2</c>, …): the value of the
    /// <see cref="AsyncGenMetrics.ExecutorTag"/> tag on every measurement of this executor in the <c>AsyncGen</c>
    /// meter, and the executor column of <c>asyncgen-top</c>.
    /// </summary>
    public string Name => _metrics.Name;

    /// <summary>The I/O driver this executor parks in and its sockets register with (every OS has one: portable at least).</summary>
    public IoDriverKind IoDriver => _driver.Kind;

    internal Driver Driver => _driver;

    /// <summary>
    /// True when <see cref="Spawn{T}(IFuture{T})"/> may be called from this thread: the executor's own, or any while it
    /// does not run (a snapshot: for a clear message before the spawn, which checks again).
    /// </summary>
    internal bool CanSpawnFromThisThread
    {
        get
        {
            int owner = Volatile.Read(ref _runningThread);
            return owner <= 0 || owner == Environment.CurrentManagedThreadId;
        }
    }

    ExecutorMetrics ITaskScheduler.Metrics => _metrics;

    /// <summary>
    /// Lists the live tasks: id, name, state, polls, time since the last poll and wake, and where each is suspended
    /// (its async backtrace). From another thread while the executor runs, a best-effort snapshot.
    /// </summary>
    public IReadOnlyList<TaskSnapshot> DumpTasks()
    {
        long now = Time.NowMs;
        return [.. _tasks.Snapshot().Select(task => TaskSnapshot.Of(task, now)).OfType<TaskSnapshot>()];
    }

    /// <summary>
    /// When true, <c>Spawn</c> captures the spawner's <see cref="ExecutionContext"/> and polls the task inside it
    /// (<see cref="ExecutionContextFlow.WithExecutionContext{T}"/>): AsyncLocal values, logging scopes and
    /// <c>Activity.Current</c> flow into every task, at one object per spawn and two context swaps per poll. Off by
    /// default; per task, use <c>WithExecutionContext()</c>, or <see cref="TaskLocal{T}"/> for hot values.
    /// </summary>
    public bool FlowExecutionContext { get; init; }

    /// <summary>
    /// Adds <paramref name="future"/> as a task; it is first polled when the executor runs. Call from the thread
    /// running the executor, or before it runs.
    /// </summary>
    /// <remarks>A <see cref="FutureBox{TFuture, T}"/> (what a generated <c>[PollAsync]</c> call returns, or
    /// <see cref="Future.Box{TFuture, T}"/> of a hand-written struct future) becomes the task itself: no allocation.
    /// Any other future is wrapped in one box. A spawn refused because the executor was disposed or runs on another
    /// thread leaves the future as it was, unspawned: spawn it on another executor, poll it, or dispose it.</remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the executor runs, or the
    /// future was spawned before.</exception>
    /// <exception cref="ObjectDisposedException">The executor was disposed, or is being disposed (a spawn from the
    /// cleanup of a task that its Dispose cancels).</exception>
    public JoinHandle<T> Spawn<T>(IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        if (FlowExecutionContext) future = future.WithExecutionContext();
        if (_disposed) throw Disposed();
        // The thread id is read once: each read is a thread-static lookup (__tls_get_addr, ≈ 2 % of spawn_join).
        int current = Environment.CurrentManagedThreadId;
        int owner = Volatile.Read(ref _runningThread);
        if (owner > 0 && owner != current) throw SpawnWhileRunning();
        // Bound as Scheduled and queued here: no wake (one atomic step fewer per spawn, and no dispatch through it).
        // The box is claimed only past every check that can refuse the spawn, so a refused spawn leaves it unspawned:
        // the caller who catches the exception can still spawn it elsewhere, poll it or dispose it.
        ITaskCell<T> task;
        if (owner == current)
        {
            task = TaskCell.Claim(future, scheduled: true);
            _tasks.Add(task);
        }
        else
        {
            // Not running, as far as the read above saw: the table is not thread-safe, and Run may start on another
            // thread meanwhile (or Task code spawns on two threads before it runs), so claim it for the Add.
            ClaimForSpawn(current);
            try
            {
                task = TaskCell.Claim(future, scheduled: true);
                _tasks.Add(task);
            }
            finally
            {
                Volatile.Write(ref _runningThread, 0);
            }
        }
        TaskLifecycle.Spawned(task, _metrics, owner == current ? _metrics.Threads[0] : null);
        Queue(task, owner, current);
        return new JoinHandle<T>(task);
    }

    // A spawn from a thread other than the executor's, while it does not run: marks _runningThread with minus this
    // thread's id for the claim and the Add (a few stores), so that Run (which waits it out) and another such spawn exclude it.
    // A Run that started since the caller's check wins: the spawn throws as one made while the executor runs.
    private void ClaimForSpawn(int current)
    {
        var spin = new SpinWait();
        while (true)
        {
            int seen = Interlocked.CompareExchange(ref _runningThread, -current, 0);
            if (seen == 0) return;
            if (seen > 0) throw SpawnWhileRunning();
            spin.SpinOnce(sleep1Threshold: -1); // another thread's Add: a few stores, never blocks
        }
    }

    private static InvalidOperationException SpawnWhileRunning() => new(
        "LocalExecutor.Spawn was called from another thread while the executor runs; it is single-threaded. " +
        "Spawn from one of its tasks (Executor.Spawn) or hand the work over through a channel.");

    /// <summary>
    /// Spawns a struct future without a result — <c>Spawn(Time.Sleep(d))</c> — as one object: the task cell holding the
    /// future inline (<see cref="Future.Box{TFuture, T}"/>), where the <see cref="IFuture{T}"/> overload would box the
    /// struct first and then wrap the box in a cell.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from another thread while the executor runs.</exception>
    public JoinHandle<Unit> Spawn<TFuture>(TFuture future) where TFuture : struct, IFuture<Unit> =>
        Spawn(Future.Box<TFuture, Unit>(future));

    /// <summary>Runs until every spawned task has completed.</summary>
    public void Run() => RunLoop(main: null, deadlineMs: long.MaxValue, limit: default);

    /// <summary>Runs <paramref name="future"/> (and other tasks meanwhile) until it completes; returns its result.</summary>
    /// <remarks>Exceptions of the future are rethrown with their original stack trace.</remarks>
    public T BlockOn<T>(IFuture<T> future) => BlockOn(future, System.Threading.Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Like <see cref="BlockOn{T}(IFuture{T})"/>, but throws <see cref="StalledTaskException"/> naming the task if it
    /// has not completed within <paramref name="limit"/> (the task is then cancelled: its future is disposed).
    /// </summary>
    /// <param name="future">The future to run.</param>
    /// <param name="limit">Any non-negative time, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative (and not infinite).</exception>
    public T BlockOn<T>(IFuture<T> future, TimeSpan limit)
    {
        BlockOnLimit.Validate(limit);
        var handle = Spawn(future);
        RunLoop(handle.Task, BlockOnLimit.Deadline(limit), limit);
        var cx = new Context(Waker.Noop);
        return handle.Poll(ref cx).Value;
    }

    void ITaskScheduler.Schedule(ITaskCell task) => Queue(task, Volatile.Read(ref _runningThread), Environment.CurrentManagedThreadId);

    // Run polls tasks on the executor thread only, and not while it turns the driver: the ready queue's tail, which is
    // also where a yield belongs (the ring is FIFO, there is no LIFO slot to avoid).
    void ITaskScheduler.ScheduleAfterPoll(ITaskCell task, bool yielded)
    {
        Debug.Assert(Environment.CurrentManagedThreadId == _runningThread && !_turningDriver, "Polled off the executor's loop");
        _ready.Enqueue(task);
        _metrics.Threads[0].Count(RuntimeCounter.WakesSameThread);
        TaskLifecycle.WokenEvent(task, sameThread: true);
    }

    /// <summary>
    /// Queues a Scheduled task; <paramref name="owner"/> is <see cref="_runningThread"/> as the caller read it,
    /// <paramref name="current"/> the calling thread's managed id.
    /// </summary>
    private void Queue(ITaskCell task, int owner, int current)
    {
        if (current == owner)
        {
            (_turningDriver ? _driverWoken : _ready).Enqueue(task);
            // The executor thread counts on its own block (what TaskLifecycle.Woken would find after a lookup).
            _metrics.Threads[0].Count(RuntimeCounter.WakesSameThread);
            TaskLifecycle.WokenEvent(task, sameThread: true);
            return;
        }
        _remote.Enqueue(task);
        // Pairs with the fence in Idle(): either the executor sees the task in the queue before parking, or we see
        // _parked == 1 and unpark it. (Enqueue is already a full fence; the explicit one documents the pairing.)
        Interlocked.MemoryBarrier();
        // Before the executor runs, the scheduling thread is the one that will run it (Spawn checks that).
        owner = Volatile.Read(ref _runningThread);
        bool foreign = owner != 0 && owner != current;
        TaskLifecycle.Woken(task, _metrics, sameThread: !foreign);
        // The executor's own thread is never parked when it schedules (e.g. timers firing right after a park).
        if (Volatile.Read(ref _parked) == 1 && foreign)
        {
            _metrics.Count(RuntimeCounter.Unparks);
            _driver.Parker.Unpark();
        }
    }

    void ITaskScheduler.Release(ITaskCell task, int slot) => _tasks.Remove(task, slot);

    // Tasks complete on the executor thread (Run, Cancel) or while no thread runs it (Dispose): its own block either
    // way, without the thread-static lookup of the default (≈ 2 % of spawn_join).
    void ITaskScheduler.CountCompletion(RuntimeCounter counter) => _metrics.Threads[0].Count(counter);

    private static ObjectDisposedException Disposed() => new(nameof(LocalExecutor),
        "This LocalExecutor was disposed, which cancelled its unfinished tasks: create a new executor, and dispose an " +
        "executor only once its work is done (Run and BlockOn return when it is).");

    private void RunLoop(ITaskCell? main, long deadlineMs, TimeSpan limit)
    {
        if (_disposed) throw Disposed();
        int me = Environment.CurrentManagedThreadId;
        var spin = new SpinWait();
        while (true)
        {
            int seen = Interlocked.CompareExchange(ref _runningThread, me, 0);
            if (seen == 0) break;
            if (seen > 0)
                throw new InvalidOperationException("The executor is already running; Run and BlockOn cannot be nested or called concurrently.");
            spin.SpinOnce(sleep1Threshold: -1); // Task code on another thread adds a spawned task (ClaimForSpawn): a few stores
        }
        var previous = t_current;
        t_current = this;
        try
        {
            using var scope = _driver.Enter();
            var counters = _metrics.Threads[0];
            using var counting = counters.Enter();
            // Opt-in report of a BlockOn without a limit that is still waiting (RuntimeDiagnostics.StallReportAfter).
            long started = Time.NowMs, reportEvery = long.MaxValue, reportMs = long.MaxValue;
            if (main is not null && deadlineMs == long.MaxValue && RuntimeDiagnostics.StallReportAfter is { } after)
                reportMs = started + (reportEvery = Math.Max(1, (long)after.TotalMilliseconds));
            // Read once here; then every turn of the driver that ends an iteration reads it again (Driver.Park), so
            // each batch starts with the clock of the turn just before it (a read at the top of the loop as well was
            // a second clock_gettime per batch: ≈ 1 % of ping_pong_channel's samples were clock reads).
            CoarseClock.Advance();
            while (main is null ? _tasks.Count > 0 : !main.IsComplete)
            {
                PollBatch(counters);
                if (main is null ? _tasks.Count == 0 : main.IsComplete) break;

                // Without a limit or a report (Run, plain BlockOn) no clock read here: it was two clock_gettime
                // (≈ 45 ns each, see CoarseClock) per batch of 61 polls, 1–2 ns per poll of a yield loop.
                if ((deadlineMs != long.MaxValue || reportMs != long.MaxValue) && Time.NowMs is var now)
                {
                    if (now >= deadlineMs)
                    {
                        // Diagnosed before the cancellation removes the task's timers and registrations.
                        Debug.Assert(main is not null, "Run has no deadline");
                        var diagnosis = StallDiagnosis.Of(main, _driver.Timers);
                        // Giving up is an abort (counted in asyncgen.task.aborted, as on the work-stealing executor,
                        // whose BlockOn aborts from outside): the abort request, then its dispose right here. The
                        // queue entry the request may add finds the task complete.
                        main.Abort();
                        main.Cancel();
                        throw new StalledTaskException(diagnosis, limit);
                    }
                    if (now >= reportMs)
                    {
                        StallDiagnosis.Of(main!, _driver.Timers).Report(TimeSpan.FromMilliseconds(now - started));
                        reportMs += reportEvery;
                    }
                }
                if (_ready.Count > 0 || _driverWoken.Count > 0 || !_remote.IsEmpty) TurnDriver(0); // I/O and timers get their turn, without waiting
                else Idle(Math.Min(deadlineMs, reportMs));
            }
        }
        finally
        {
            t_current = previous;
            Volatile.Write(ref _runningThread, 0); // tasks still queued run at the next Run/BlockOn
        }
    }

    /// <summary>One batch: up to <see cref="DriverShare"/> driver-woken tasks, then the ready queue, at most <see cref="EventInterval"/> polls.</summary>
    private void PollBatch(RuntimeCounters counters)
    {
        // The other threads' wakes join the tail; at most those queued now, so a flood cannot hold the batch.
        if (!_remote.IsEmpty)
        {
            for (int remote = _remote.Count; remote > 0 && _remote.TryDequeue(out var woken); remote--) _ready.Enqueue(woken);
        }
        int polled = 0;
        while (polled < DriverShare && _driverWoken.TryDequeue(out var due))
        {
            TaskLifecycle.Poll(due, counters);
            polled++;
        }
        while (polled < EventInterval && (_ready.TryDequeue(out var task) || _driverWoken.TryDequeue(out task)))
        {
            TaskLifecycle.Poll(task, counters);
            polled++;
        }
    }

    /// <summary>Parks in the driver (0: just polls it); the wakes its timers and I/O issue meanwhile go to the driver queue.</summary>
    private void TurnDriver(int maxWaitMs)
    {
        _turningDriver = true;
        try
        {
            _driver.Park(maxWaitMs);
        }
        finally
        {
            _turningDriver = false;
        }
    }

    private void Idle(long deadlineMs)
    {
        Volatile.Write(ref _parked, 1);
        Interlocked.MemoryBarrier();
        // A wake that landed between the empty dequeue and the flag above is caught by this re-check.
        if (_remote.IsEmpty)
        {
            _metrics.Threads[0].Count(RuntimeCounter.Parks);
            int maxWait = deadlineMs == long.MaxValue ? System.Threading.Timeout.Infinite : (int)Math.Clamp(deadlineMs - Time.NowMs, 0, int.MaxValue);
            TurnDriver(maxWait);
        }
        else CoarseClock.Advance(); // no turn, so the next batch still reads a fresh clock (see RunLoop)
        Volatile.Write(ref _parked, 0);
    }

    /// <summary>Cancels (disposes) every task that has not completed, then releases the timer wheel and reactor.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (Volatile.Read(ref _runningThread) != 0)
            throw new InvalidOperationException("The executor cannot be disposed while it runs.");
        // Disposed before the cancellations: a cleanup they run that spawns here is refused, as on a disposed executor.
        // Let in, its task would join the table after the snapshot, never to run nor be cancelled.
        _disposed = true;
        using (_driver.Enter())
        {
            // Disposing a task's future runs its finally blocks, which may use timers: keep the driver current.
            foreach (var task in _tasks.Snapshot()) task.Cancel();
        }
        _metrics.Unregister();
        _driver.Dispose();
    }
}
