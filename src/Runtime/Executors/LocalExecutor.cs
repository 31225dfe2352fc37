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
/// The loop (the seed's "check wake queue, poll ready tasks, sleep if idle"): take at most
/// <see cref="EventInterval"/> tasks from the ready queue, then look for I/O and due timers without blocking; when
/// the queue is empty, park until an event, a timer deadline or a wake from another thread. The batch bound keeps a
/// task that wakes itself from starving timers and I/O; the per-poll budget of resource operations
/// (<see cref="CoopBudget"/>) keeps a task whose sockets or channels are always ready from starving other tasks.
/// </remarks>
[DebuggerDisplay("LocalExecutor ({TaskCount} tasks)")]
public sealed class LocalExecutor : IDisposable, ITaskScheduler
{
    /// <summary>Tasks polled between two checks of I/O and timers (61: tokio's event_interval, a prime).</summary>
    internal const int EventInterval = 61;

    [ThreadStatic] private static LocalExecutor? t_current;

    private readonly Driver _driver;
    private readonly WakerTable _tasks = new();
    private readonly ConcurrentQueue<ITaskCell> _ready = new();
    private int _parked;          // 1 while the executor thread is (about to be) parked: wakers must unpark it
    private int _runningThread;   // managed thread id inside Run/BlockOn, else 0
    private bool _disposed;

    /// <summary>Creates an executor whose driver follows <paramref name="options"/> (default: the best available).</summary>
    /// <exception cref="InvalidOperationException"><c>ASYNCGEN_DRIVER</c> names no driver.</exception>
    public LocalExecutor(DriverOptions? options = null) => _driver = Driver.Create(options);

    /// <summary>The executor running on this thread, or null.</summary>
    public static LocalExecutor? Current => t_current;

    /// <summary>Number of spawned tasks that have not completed.</summary>
    public int TaskCount => _tasks.Count;

    /// <summary>The I/O driver this executor parks in and its sockets register with; null where there is none.</summary>
    public IoDriverKind? IoDriver => _driver.Kind;

    internal Driver Driver => _driver;

    /// <summary>
    /// Adds <paramref name="future"/> as a task; it is first polled when the executor runs. Call from the thread
    /// running the executor, or before it runs.
    /// </summary>
    public JoinHandle<T> Spawn<T>(IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int owner = Volatile.Read(ref _runningThread);
        if (owner != 0 && owner != Environment.CurrentManagedThreadId)
            throw new InvalidOperationException(
                "LocalExecutor.Spawn was called from another thread while the executor runs; it is single-threaded. " +
                "Spawn from one of its tasks (Executor.Spawn) or hand the work over through a channel.");
        var task = new TaskCell<T>(future, this);
        _tasks.Add(task);
        task.Wake();
        return task;
    }

    /// <summary>Runs until every spawned task has completed.</summary>
    public void Run() => RunLoop(main: null, deadlineMs: long.MaxValue, limit: default);

    /// <summary>Runs <paramref name="future"/> (and other tasks meanwhile) until it completes; returns its result.</summary>
    /// <remarks>Exceptions of the future are rethrown with their original stack trace.</remarks>
    public T BlockOn<T>(IFuture<T> future) => BlockOn(future, System.Threading.Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Like <see cref="BlockOn{T}(IFuture{T})"/>, but throws <see cref="StalledTaskException"/> naming the task if it
    /// has not completed within <paramref name="limit"/> (the task is then aborted).
    /// </summary>
    public T BlockOn<T>(IFuture<T> future, TimeSpan limit)
    {
        if (limit != System.Threading.Timeout.InfiniteTimeSpan) ArgumentOutOfRangeException.ThrowIfLessThan(limit, TimeSpan.Zero);
        var handle = (TaskCell<T>)Spawn(future);
        long deadline = limit == System.Threading.Timeout.InfiniteTimeSpan ? long.MaxValue : Time.NowMs + (long)Math.Ceiling(limit.TotalMilliseconds);
        RunLoop(handle, deadline, limit);
        var cx = new Context(Waker.Noop);
        return handle.Poll(ref cx).Value;
    }

    void ITaskScheduler.Schedule(ITaskCell task)
    {
        _ready.Enqueue(task);
        // Pairs with the fence in Idle(): either the executor sees the task in the queue before parking, or we see
        // _parked == 1 and unpark it. (Enqueue is already a full fence; the explicit one documents the pairing.)
        Interlocked.MemoryBarrier();
        // The executor's own thread is never parked when it schedules (e.g. timers firing right after a park).
        if (Volatile.Read(ref _parked) == 1 && Environment.CurrentManagedThreadId != Volatile.Read(ref _runningThread))
            _driver.Parker.Unpark();
    }

    void ITaskScheduler.Release(ITaskCell task) => _tasks.Remove(task);

    private void RunLoop(ITaskCell? main, long deadlineMs, TimeSpan limit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.CompareExchange(ref _runningThread, Environment.CurrentManagedThreadId, 0) != 0)
            throw new InvalidOperationException("The executor is already running; Run and BlockOn cannot be nested or called concurrently.");
        var previous = t_current;
        t_current = this;
        try
        {
            using var scope = _driver.Enter();
            while (main is null ? _tasks.Count > 0 : !main.IsComplete)
            {
                for (int i = 0; i < EventInterval && _ready.TryDequeue(out var task); i++) task.Run();
                if (main is null ? _tasks.Count == 0 : main.IsComplete) break;

                if (Time.NowMs >= deadlineMs)
                {
                    // Diagnosed before the cancellation removes the task's timers and registrations.
                    Debug.Assert(main is not null, "Run has no deadline");
                    var diagnosis = StallDiagnosis.Of(main, _driver.Timers);
                    main.Cancel();
                    throw new StalledTaskException(diagnosis, limit);
                }
                if (!_ready.IsEmpty) _driver.Park(0); // I/O and timers get their turn, without waiting
                else Idle(deadlineMs);
            }
        }
        finally
        {
            t_current = previous;
            Volatile.Write(ref _runningThread, 0);
        }
    }

    private void Idle(long deadlineMs)
    {
        Volatile.Write(ref _parked, 1);
        Interlocked.MemoryBarrier();
        // A wake that landed between the empty dequeue and the flag above is caught by this re-check.
        if (_ready.IsEmpty)
        {
            int maxWait = deadlineMs == long.MaxValue ? System.Threading.Timeout.Infinite : (int)Math.Clamp(deadlineMs - Time.NowMs, 0, int.MaxValue);
            _driver.Park(maxWait);
        }
        Volatile.Write(ref _parked, 0);
    }

    /// <summary>Cancels (disposes) every task that has not completed, then releases the timer wheel and reactor.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (Volatile.Read(ref _runningThread) != 0)
            throw new InvalidOperationException("The executor cannot be disposed while it runs.");
        using (_driver.Enter())
        {
            // Disposing a task's future runs its finally blocks, which may use timers: keep the driver current.
            foreach (var task in _tasks.Snapshot()) task.Cancel();
        }
        _disposed = true;
        _driver.Dispose();
    }
}
