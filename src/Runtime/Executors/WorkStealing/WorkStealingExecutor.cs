using System.Diagnostics;
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
/// <para>Design (the folder's README.md has the whole argument and the measurements; <see cref="Worker"/> says
/// where a worker looks for its next task): a task woken on a worker goes to that worker's LIFO slot, the one it
/// displaces to the worker's lock-free <see cref="LocalQueue"/>; a task woken elsewhere goes to the
/// <see cref="InjectionQueue"/>. A sleeping worker is woken only when nobody is already searching for work
/// (<see cref="IdleWorkers"/>). A worker about to sleep takes the shared driver (timer wheel + reactor) if it is free,
/// else sleeps in its own io_uring ring (a ring per worker) or on its own monitor (<see cref="WorkerParker"/>); a
/// running worker also polls the driver (or its own ring) without blocking every
/// <see cref="Worker.GlobalQueueInterval"/> ticks.</para>
/// <para>Like every executor here, a task gets a budget of resource operations per poll (<see cref="CoopBudget"/>).</para>
/// </remarks>
[DebuggerDisplay("WorkStealingExecutor ({Workers.Length} workers, {TaskCount} tasks)")]
public sealed class WorkStealingExecutor : IDisposable, ITaskScheduler
{
    [ThreadStatic] private static Worker? t_worker;

    // Tasks spawned off the workers (a worker's spawns go to its own table, Worker.Tasks): slots added and freed from
    // any thread, under the lock.
    private readonly WakerTable _tasks;
    private readonly Lock _tasksLock = new();
    private readonly Thread[] _threads;
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
        // io_uring: a ring per worker, so the kernel's completion work for a worker's receives wakes that worker in its
        // own ring, not a sleeper on a monitor (README, "A ring per worker"). A failure is reported by the driver.
        Driver.Io.TryCreateWorkerRings(workerCount);
        Idle = new IdleWorkers(workerCount);
        Workers = new Worker[workerCount];
        Metrics = new ExecutorMetrics(AsyncGenMetrics.WorkStealingKind, workerCount, () => TaskCount, () => Injection.Count,
            worker => Workers[worker].Queue.Count) { Dump = DumpTasks, IoDriver = Driver.Io };
        for (int i = 0; i < workerCount; i++) Workers[i] = new Worker(this, i, Metrics.Threads[i]);
        _threads = new Thread[workerCount];
        // Returns once every worker has taken its ring (io_uring: enabled with it as the single issuer): from then on
        // threads that are not workers leave their I/O in worker 0's ring for it, instead of on the shared ring, which
        // no worker reaps (IoUringDriver.CurrentInstance).
        using var entered = new CountdownEvent(workerCount);
        for (int i = 0; i < workerCount; i++)
        {
            var worker = Workers[i];
            _threads[i] = new Thread(() => RunWorker(worker, entered)) { IsBackground = true, Name = $"AsyncGen worker {i}" };
            // UnsafeStart: a thread started with Start runs in a copy of its creator's ExecutionContext, so every task
            // of this executor saw the AsyncLocal values (Activity.Current, logging scopes) of whoever created it, for
            // the executor's life; the thread pool's threads start clean, and so do ours (FlowExecutionContext or
            // WithExecutionContext() flow a spawner's context on purpose).
            _threads[i].UnsafeStart();
        }
        entered.Wait();
    }

    /// <summary>The executor whose worker is running on this thread, or null.</summary>
    public static WorkStealingExecutor? Current => t_worker?.Executor;

    /// <summary>The worker running on this thread, of any executor, or null.</summary>
    internal static Worker? CurrentWorker => t_worker;

    /// <summary>Number of worker threads.</summary>
    public int WorkerCount => Workers.Length;

    /// <summary>
    /// The executor's name, unique in the process (<c>work-stealing-1</c>, <c>work-stealing-2</c>, …): the value of the
    /// <see cref="AsyncGenMetrics.ExecutorTag"/> tag on every measurement of this executor in the <c>AsyncGen</c>
    /// meter, and the executor column of <c>asyncgen-top</c>.
    /// </summary>
    public string Name => Metrics.Name;

    /// <summary>
    /// Number of spawned tasks that have not completed. A snapshot: a worker frees a task's slot just after its
    /// join handle reports completion.
    /// </summary>
    public int TaskCount
    {
        get
        {
            int count;
            lock (_tasksLock) count = _tasks.Count;
            foreach (var worker in Workers) count += worker.Tasks.Count;
            return count;
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
        var live = LiveTasks();
        long now = Time.NowMs;
        // Workers may complete a task after the snapshot (the lock is released): it is left out (Of returns null).
        return [.. live.Select(task => TaskSnapshot.Of(task, now)).OfType<TaskSnapshot>()];
    }

    internal InjectionQueue Injection { get; } = new();

    /// <summary>Which workers sleep and how many search for work.</summary>
    internal IdleWorkers Idle { get; }

    /// <summary>Held by the one worker parked in (or polling) the driver.</summary>
    internal Lock DriverLock { get; } = new();

    /// <summary>The I/O driver the workers park in and sockets register with (every OS has one: portable at least).</summary>
    public IoDriverKind IoDriver => Driver.Kind;

    internal Driver Driver { get; }

    internal bool IsShuttingDown => _shutdown;

    /// <summary>
    /// When true, <c>Spawn</c> captures the spawner's <see cref="ExecutionContext"/> and polls the task inside it
    /// (<see cref="ExecutionContextFlow.WithExecutionContext{T}"/>): AsyncLocal values, logging scopes and
    /// <c>Activity.Current</c> flow into every task, at one object per spawn and two context swaps per poll. Off by
    /// default; per task, use <c>WithExecutionContext()</c>, or <see cref="TaskLocal{T}"/> for hot values.
    /// </summary>
    public bool FlowExecutionContext { get; init; }

    /// <summary>Adds <paramref name="future"/> as a task. Thread-safe.</summary>
    /// <remarks>A <see cref="FutureBox{TFuture, T}"/> becomes the task itself (see <see cref="LocalExecutor.Spawn{T}(IFuture{T})"/>).</remarks>
    /// <exception cref="ObjectDisposedException">The executor was disposed or is being disposed (from the cleanup of a
    /// task its Dispose cancels). The future is left as it was, unspawned: spawn it on another executor, poll it, or
    /// dispose it. A spawn from one of its tasks while another thread disposes it may instead get in, like a spawn just
    /// before the Dispose: that Dispose then cancels its task with the rest (tokio cancels a task spawned into a runtime
    /// that shuts down at once too). Either way no handle outlives the Dispose unfinished.</exception>
    /// <exception cref="InvalidOperationException">The future was spawned before.</exception>
    public JoinHandle<T> Spawn<T>(IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        if (FlowExecutionContext) future = future.WithExecutionContext();
        // On one of this executor's workers (a task spawning), the cell is bound as Scheduled and goes straight to the
        // worker's queue, as LocalExecutor's spawns do: no wake, so no atomic step on its state word and no second
        // thread-static lookup. Any other thread wakes it (the injection queue).
        var worker = t_worker;
        bool local = worker is not null && worker.Executor == this;
        ITaskCell<T> task;
        if (local)
        {
            // Into the worker's own table, which only its thread adds to: no lock, and the slots it writes are its own
            // cache lines (one table under a lock cost both workers the lock's and the slots' lines on every spawn and
            // completion). A spawn that races with Dispose may get in after _shutdown is set: Dispose collects the
            // workers' tables only after their threads ended, so it is cancelled with the rest.
            if (_shutdown) throw Disposed();
            task = TaskCell.Claim(future, scheduled: true);
            worker!.Tasks.Add(task);
        }
        else
        {
            lock (_tasksLock)
            {
                // Checked under the lock that Dispose takes to set _shutdown: no task slips in after its snapshot. The
                // box is claimed only past this check, so a refused spawn leaves it unspawned: the caller who catches
                // the exception can still spawn it elsewhere, poll it or dispose it (a claim of a few plain stores).
                if (_shutdown) throw Disposed();
                task = TaskCell.Claim(future, scheduled: false);
                _tasks.Add(task);
            }
        }
        if (local)
        {
            TaskLifecycle.Spawned(task, Metrics, worker!.Counters);
            bool notify = worker.ScheduleLocal(task, yielding: false);
            worker.Counters.Count(RuntimeCounter.WakesSameThread);
            TaskLifecycle.WokenEvent(task, sameThread: true);
            if (notify) NotifyParked();
        }
        else
        {
            TaskLifecycle.Spawned(task, Metrics);
            task.Wake();
        }
        return new JoinHandle<T>(task);
    }

    /// <summary>
    /// Spawns a struct future without a result — <c>Spawn(Time.Sleep(d))</c> — as one object: the task cell holding the
    /// future inline (<see cref="Future.Box{TFuture, T}"/>), where the <see cref="IFuture{T}"/> overload would box the
    /// struct first and then wrap the box in a cell. Thread-safe.
    /// </summary>
    public JoinHandle<Unit> Spawn<TFuture>(TFuture future) where TFuture : struct, IFuture<Unit> =>
        Spawn(Future.Box<TFuture, Unit>(future));

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

    private static ObjectDisposedException Disposed() => new(nameof(WorkStealingExecutor),
        "This WorkStealingExecutor was disposed, which cancelled its unfinished tasks and stopped its workers: " +
        "create a new executor, and dispose an executor only once its work is done.");

    void ITaskScheduler.Schedule(ITaskCell task) => Schedule(task);

    /// <summary>Queues a woken task (any thread): on the waking worker, else the injection queue.</summary>
    internal void Schedule(ITaskCell task)
    {
        var worker = t_worker;
        if (worker is not null && worker.Executor == this)
        {
            ScheduleOn(worker, task, yielded: false);
            return;
        }
        Injection.Push(task);
        TaskLifecycle.Woken(task, Metrics, sameThread: false);
        NotifyParked();
    }

    // Called by the worker that just polled the task (TaskCore.AfterPending): its LIFO slot or, yielded, the back of
    // its queue, counted on its own block (the default would carry the yield through a thread-static hint and look up
    // the counters' block again: three thread-static reads per re-queue instead of one).
    void ITaskScheduler.ScheduleAfterPoll(ITaskCell task, bool yielded) => ScheduleAfterPoll(task, yielded);

    internal void ScheduleAfterPoll(ITaskCell task, bool yielded)
    {
        var worker = t_worker;
        if (worker is not null && worker.Executor == this) ScheduleOn(worker, task, yielded);
        else Schedule(task); // polled off the workers (none does today): the injection queue
    }

    private void ScheduleOn(Worker worker, ITaskCell task, bool yielded)
    {
        bool notify = worker.ScheduleLocal(task, yielded);
        worker.Counters.Count(RuntimeCounter.WakesSameThread);
        TaskLifecycle.WokenEvent(task, sameThread: true);
        if (notify) NotifyParked();
    }

    // Tasks complete on a worker (Run) or, at shutdown, on the disposing thread after the workers stopped (Cancel):
    // the worker's own block, without the default's lookup of the thread's block.
    void ITaskScheduler.CountCompletion(RuntimeCounter counter) => CountCompletion(counter);

    internal void CountCompletion(RuntimeCounter counter)
    {
        if (t_worker is { } worker && worker.Executor == this) worker.Counters.Count(counter);
        else Metrics.Count(counter);
    }

    ExecutorMetrics ITaskScheduler.Metrics => Metrics;

    void ITaskScheduler.Release(ITaskCell task, int slot)
    {
        lock (_tasksLock) _tasks.Remove(task, slot);
    }

    /// <summary>Every live task: the shared table's and each worker's (a snapshot while the workers run).</summary>
    private List<ITaskCell> LiveTasks()
    {
        List<ITaskCell> live;
        lock (_tasksLock) live = _tasks.Snapshot();
        foreach (var worker in Workers) live.AddRange(worker.Tasks.Snapshot());
        return live;
    }

    /// <summary>
    /// Wakes one sleeping worker for work just published, unless one is searching already or none sleeps (tokio's
    /// notify_parked). Thread-safe.
    /// </summary>
    internal void NotifyParked()
    {
        int index = Idle.WorkerToNotify();
        if (index >= 0) Workers[index].Unpark();
    }

    /// <summary>
    /// Called by the last searcher after it counted itself parked: work published while it was giving up (whose
    /// notifier saw it still searching, so woke nobody) must still get a worker.
    /// </summary>
    internal void NotifyIfWorkPending()
    {
        foreach (var worker in Workers)
        {
            if (!worker.Queue.IsEmpty)
            {
                NotifyParked();
                return;
            }
        }
        if (!Injection.IsEmpty) NotifyParked();
    }

    private void RunWorker(Worker worker, CountdownEvent entered)
    {
        t_worker = worker;
        using var scope = Driver.Enter();
        using var counting = worker.Counters.Enter();
        // The worker submits its queued I/O once per batch of polls or before it sleeps (Worker.Maintain,
        // WorkerParker), not one io_uring_enter per operation.
        Driver.Io.DeferSubmissionsOnThisThread(true);
        try
        {
            worker.OwnRing = Driver.Io.EnterWorker(worker.Index);
        }
        finally
        {
            entered.Signal();
        }
        try
        {
            worker.Run();
        }
        finally
        {
            Driver.Io.DeferSubmissionsOnThisThread(false);
            Driver.Io.SubmitDeferred();
            Driver.Io.ExitWorker();
        }
    }

    /// <summary>Stops the workers, then cancels (disposes) every task that has not completed.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (t_worker?.Executor == this) throw new InvalidOperationException("The executor cannot be disposed from one of its own tasks.");
        lock (_tasksLock) _shutdown = true;
        foreach (var worker in Workers) worker.Unpark();
        foreach (var thread in _threads) thread.Join();
        _disposed = true;
        var unfinished = LiveTasks(); // the workers' tables too: their threads ended, nothing adds to them any more
        using (Driver.Enter())
        {
            foreach (var task in unfinished) task.Cancel();
        }
        Metrics.Unregister();
        Driver.Dispose();
    }
}
