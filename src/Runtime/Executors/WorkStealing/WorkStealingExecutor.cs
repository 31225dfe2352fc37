using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Executors;
using AsyncGen.Executors.WorkStealing;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// A multi-threaded executor: N worker threads, each with its own run queue, that steal from each other when
/// idle (tokio's multi-thread scheduler). Spawn and wake from any thread.
/// </summary>
/// <remarks>
/// <para>Design (see <see cref="Worker"/> for where a worker looks for its next task): a task woken on a worker
/// goes to that worker's LIFO slot; a task woken elsewhere goes to the injection queue. Idle workers advertise a
/// bit in one idle mask; whoever makes work stealable clears one bit and unparks that worker. One idle worker at a
/// time parks in the shared driver (timer wheel + reactor), the others on their own parker; a worker leaving the
/// driver hands it over by waking another idle worker, so timers and I/O are always watched while anyone idles.</para>
/// <para>Like every executor here, a task gets a budget of resource operations per poll (<see cref="CoopBudget"/>).
/// Not (yet) here: tokio's lock-free local queue (see <see cref="LocalQueue"/> for why a lock is used).</para>
/// </remarks>
[DebuggerDisplay("WorkStealingExecutor ({Workers.Length} workers, {TaskCount} tasks)")]
public sealed class WorkStealingExecutor : IDisposable, ITaskScheduler
{
    [ThreadStatic] private static Worker? t_worker;

    private readonly WakerTable _tasks;
    private readonly Lock _tasksLock = new();        // the table's slots are added/freed from any thread here
    private readonly Lock _driverLock = new();       // held by the one worker parked in (or polling) the driver
    private readonly Thread[] _threads;
    private long _idleMask;                          // bit i: worker i is parked or about to park
    private int _drivingWorker = -1;                 // index of the worker holding the driver, or -1
    private volatile bool _shutdown;
    private bool _disposed;

    /// <summary>
    /// Starts <paramref name="workerCount"/> worker threads (default: one per processor, at most 64) sharing one driver
    /// that follows <paramref name="options"/> (default: the best available).
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>ASYNCGEN_DRIVER</c> names no driver.</exception>
    public WorkStealingExecutor(int workerCount = 0, DriverOptions? options = null)
    {
        if (workerCount == 0) workerCount = Math.Min(Environment.ProcessorCount, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workerCount, 64); // one bit each in the idle mask
        _tasks = new WakerTable(this);
        Driver = Driver.Create(options);
        Workers = new Worker[workerCount];
        Metrics = new ExecutorMetrics("work-stealing", workerCount, () => TaskCount, () => Injection.Count,
            worker => Workers[worker].Queue.Count) { Dump = DumpTasks };
        for (int i = 0; i < workerCount; i++) Workers[i] = new Worker(this, i, Metrics.Threads[i]);
        _threads = new Thread[workerCount];
        for (int i = 0; i < workerCount; i++)
        {
            var worker = Workers[i];
            _threads[i] = new Thread(() => RunWorker(worker)) { IsBackground = true, Name = $"AsyncGen worker {i}" };
            _threads[i].Start();
        }
    }

    /// <summary>The executor whose worker is running on this thread, or null.</summary>
    public static WorkStealingExecutor? Current => t_worker?.Executor;

    /// <summary>Number of worker threads.</summary>
    public int WorkerCount => Workers.Length;

    /// <summary>
    /// Number of spawned tasks that have not completed. A snapshot: a worker frees a task's slot just after its
    /// join handle reports completion.
    /// </summary>
    public int TaskCount
    {
        get
        {
            lock (_tasksLock) return _tasks.Count;
        }
    }

    internal Worker[] Workers { get; }

    /// <summary>The executor's counters: a block per worker plus a shared one.</summary>
    internal ExecutorMetrics Metrics { get; }

    /// <summary>
    /// Lists the live tasks: id, name, state, polls, time since the last poll and wake, and where each is suspended
    /// (its async backtrace). A best-effort snapshot: tasks keep running on the workers meanwhile.
    /// </summary>
    public IReadOnlyList<TaskSnapshot> DumpTasks()
    {
        List<ITaskCell> live;
        lock (_tasksLock) live = _tasks.Snapshot();
        long now = Time.NowMs;
        return [.. live.Select(task => TaskSnapshot.Of(task, now))];
    }

    internal ConcurrentQueue<ITaskCell> Injection { get; } = new();

    /// <summary>The I/O driver the workers park in and sockets register with; null where there is none.</summary>
    public IoDriverKind? IoDriver => Driver.Kind;

    internal Driver Driver { get; }

    internal bool IsShuttingDown => _shutdown;

    internal bool HasWork
    {
        get
        {
            if (!Injection.IsEmpty) return true;
            foreach (var worker in Workers)
            {
                if (worker.Queue.Count > 0) return true;
            }
            return false;
        }
    }

    /// <summary>
    /// When true, <c>Spawn</c> captures the spawner's <see cref="ExecutionContext"/> and polls the task inside it
    /// (<see cref="ExecutionContextFlow.WithExecutionContext{T}"/>): AsyncLocal values, logging scopes and
    /// <c>Activity.Current</c> flow into every task, at one object per spawn and two context swaps per poll. Off by
    /// default; per task, use <c>WithExecutionContext()</c>, or <see cref="TaskLocal{T}"/> for hot values.
    /// </summary>
    public bool FlowExecutionContext { get; init; }

    /// <summary>Adds <paramref name="future"/> as a task. Thread-safe.</summary>
    /// <remarks>A <see cref="FutureBox{TFuture, T}"/> becomes the task itself (see <see cref="LocalExecutor.Spawn{T}"/>).</remarks>
    public JoinHandle<T> Spawn<T>(IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        if (FlowExecutionContext) future = future.WithExecutionContext();
        var task = TaskCell.Claim(future);
        lock (_tasksLock)
        {
            // Checked under the lock that Dispose takes to set _shutdown: no task slips in after its snapshot.
            ObjectDisposedException.ThrowIf(_shutdown, this);
            _tasks.Add(task);
        }
        TaskLifecycle.Spawned(task, Metrics);
        task.Wake();
        return new JoinHandle<T>(task);
    }

    /// <summary>
    /// Runs <paramref name="future"/> on the workers and blocks the calling thread until it completes; returns its
    /// result or rethrows its exception with the original stack trace.
    /// </summary>
    public T BlockOn<T>(IFuture<T> future) => BlockOn(future, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Like <see cref="BlockOn{T}(IFuture{T})"/>, but throws <see cref="StalledTaskException"/> after
    /// <paramref name="limit"/> (the task is then cancelled: its future is disposed).
    /// </summary>
    /// <param name="future">The future to run.</param>
    /// <param name="limit">Any non-negative time, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative (and not infinite).</exception>
    public T BlockOn<T>(IFuture<T> future, TimeSpan limit)
    {
        if (t_worker is not null || LocalExecutor.Current is not null)
            throw new InvalidOperationException("BlockOn was called from inside a task, which would block an executor thread. Await the future instead.");
        BlockOnLimit.Validate(limit);
        var handle = Spawn(future);
        bool joined = false;
        try
        {
            using var signal = new ThreadSignal();
            var cx = new Context(signal.Waker);
            var clock = Stopwatch.StartNew();
            // Opt-in report of a BlockOn without a limit that is still waiting (RuntimeDiagnostics.StallReportAfter).
            var reportEvery = limit == Timeout.InfiniteTimeSpan ? RuntimeDiagnostics.StallReportAfter : null;
            var reportAt = reportEvery;
            while (true)
            {
                Poll<T> poll;
                try
                {
                    poll = handle.Poll(ref cx);
                }
                finally
                {
                    joined = handle.IsCompleted; // the join consumed the outcome, result or exception
                }
                if (poll.IsReady) return poll.Value;
                // A limit longer than one wait can take (TimeSpan.MaxValue) waits in chunks until it is spent.
                while (true)
                {
                    var wait = BlockOnLimit.NextWait(limit, clock.Elapsed);
                    if (wait == TimeSpan.Zero)
                        throw new StalledTaskException(StallDiagnosis.Of(handle.Task, Driver.Timers), limit); // before the abort removes its timers
                    if (reportAt is { } due)
                    {
                        if (clock.Elapsed >= due)
                        {
                            StallDiagnosis.Of(handle.Task, Driver.Timers).Report(clock.Elapsed);
                            reportAt = due + reportEvery!.Value;
                        }
                        var untilReport = reportAt.Value - clock.Elapsed;
                        if (untilReport < TimeSpan.Zero) untilReport = TimeSpan.Zero;
                        if (wait == Timeout.InfiniteTimeSpan || untilReport < wait) wait = untilReport;
                    }
                    if (signal.Wait(wait)) break;
                }
            }
        }
        finally
        {
            // Given up (stalled, or the wait itself failed): cancel the task rather than leave it running unobserved.
            if (!joined) handle.Abort();
        }
    }

    void ITaskScheduler.Schedule(ITaskCell task)
    {
        var worker = t_worker;
        bool stealable;
        if (worker is not null && worker.Executor == this && YieldHint.Take(task.Waker))
        {
            worker.Queue.Push(task, Injection); // a yielding task goes behind the others, not into the LIFO slot
            stealable = true;
        }
        else if (worker is not null && worker.Executor == this)
        {
            stealable = worker.ScheduleLocal(task);
        }
        else
        {
            Injection.Enqueue(task);
            stealable = true;
        }
        TaskLifecycle.Woken(task, Metrics, sameThread: worker?.Executor == this);
        if (stealable) NotifyIdleWorker();
    }

    ExecutorMetrics ITaskScheduler.Metrics => Metrics;

    void ITaskScheduler.Release(ITaskCell task)
    {
        lock (_tasksLock) _tasks.Remove(task);
    }

    internal void NotifyIdleWorker()
    {
        // Pairs with Worker.Park: the work was published before this fence, the idle bit after the worker's.
        Interlocked.MemoryBarrier();
        while (true)
        {
            long mask = Volatile.Read(ref _idleMask);
            if (mask == 0) return;
            // Prefer a worker parked on its own: waking the driver's worker would make it hand the driver over,
            // two thread wake-ups instead of one.
            int driving = Volatile.Read(ref _drivingWorker);
            long preferred = driving >= 0 ? mask & ~(1L << driving) : mask;
            int index = BitOperations.TrailingZeroCount(preferred != 0 ? preferred : mask);
            if (Interlocked.CompareExchange(ref _idleMask, mask & ~(1L << index), mask) == mask)
            {
                Workers[index].Unpark();
                return;
            }
        }
    }

    internal void MarkIdle(int index)
    {
        Interlocked.Or(ref _idleMask, 1L << index); // a full fence: the re-check of the queues comes after
    }

    internal void MarkBusy(int index) => Interlocked.And(ref _idleMask, ~(1L << index));

    internal bool TryAcquireDriver(int workerIndex)
    {
        if (!_driverLock.TryEnter()) return false;
        Volatile.Write(ref _drivingWorker, workerIndex);
        return true;
    }

    internal void ReleaseDriver()
    {
        Volatile.Write(ref _drivingWorker, -1);
        _driverLock.Exit();
        // Hand the driver over: an idle worker parked on its own parker would otherwise leave timers and I/O
        // unwatched while this worker runs tasks.
        if (Volatile.Read(ref _idleMask) != 0) NotifyIdleWorker();
    }

    /// <summary>Every <see cref="Worker.GlobalQueueInterval"/> ticks: fire due timers and I/O without blocking.</summary>
    internal void Maintain()
    {
        if (!_driverLock.TryEnter()) return; // a parked worker is already driving
        try
        {
            Driver.Park(0);
        }
        finally
        {
            ReleaseDriver();
        }
    }

    private void RunWorker(Worker worker)
    {
        t_worker = worker;
        using var scope = Driver.Enter();
        using var counting = worker.Counters.Enter();
        while (!_shutdown)
        {
            if (worker.FindTask() is { } task) TaskLifecycle.Poll(task, worker.Counters);
            else worker.Park();
        }
    }

    /// <summary>Stops the workers, then cancels (disposes) every task that has not completed.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (t_worker?.Executor == this) throw new InvalidOperationException("The executor cannot be disposed from one of its own tasks.");
        lock (_tasksLock) _shutdown = true;
        foreach (var worker in Workers) worker.UnparkForShutdown();
        foreach (var thread in _threads) thread.Join();
        _disposed = true;
        List<ITaskCell> unfinished;
        lock (_tasksLock) unfinished = _tasks.Snapshot();
        using (Driver.Enter())
        {
            foreach (var task in unfinished) task.Cancel();
        }
        Metrics.Unregister();
        Driver.Dispose();
    }
}
