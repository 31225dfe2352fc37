using System.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// A set of spawned tasks whose outcomes are taken in the order they finish (tokio's <c>JoinSet</c>, .NET's
/// <c>Task.WhenEach</c>): <see cref="Spawn(IFuture{T})"/> tasks into it, then <c>await set.JoinNext()</c> until it
/// gives null. Disposing the set aborts every task still in it: structured concurrency for a group of children.
/// </summary>
/// <example>
/// <code>
/// using var set = new JoinSet&lt;int&gt;();
/// foreach (var url in urls) set.Spawn(Fetch(url));
/// while (await set.JoinNext() is { } done)
///     total += await done;          // the result, or the task's exception (OperationCanceledException if aborted)
/// </code>
/// </example>
/// <remarks>
/// <para><b>Outcomes.</b> <see cref="JoinNext"/> gives the finished task's <see cref="JoinHandle{T}"/>: awaiting it
/// returns at once with the result or rethrows the task's exception, so one failure does not hide the others. Each
/// task is given exactly once; null means the set is empty. The handle comes as a <c>JoinHandle&lt;T&gt;?</c>, so
/// test it before awaiting it (<c>is { } done</c>, as above): <c>await</c> on the nullable itself does not compile
/// (CS0411, "the type arguments for GetAwaiter&lt;T&gt;(IFuture&lt;T&gt;) cannot be inferred").</para>
/// <para><b>Cancellation.</b> <see cref="AbortAll"/> aborts every task in the set (each stays in it and is given
/// by <see cref="JoinNext"/> as cancelled, once its cleanup ended); <see cref="Shutdown"/> aborts them and waits for
/// them all; <see cref="Dispose"/> aborts them and empties the set without waiting, like dropping tokio's JoinSet. Aborting runs each task's cleanup at its next scheduling point; aborts are counted in
/// <c>asyncgen.task.aborted</c> and raised as the <c>TaskAborted</c> event. A task that failed and was never
/// given (the set was disposed first) is reported as an unobserved failure.</para>
/// <para><b>How.</b> The set is the joiner of each of its tasks (<see cref="ITaskCell{T}.WatchCompletion"/>, the
/// join-waker protocol of the task cell) with a waker that targets the set: slot = the task's place in the set,
/// generation = that place's reuse count, so a wake of a task that already left the set is ignored. A completion
/// queues its slot under the set's lock and wakes the pending <see cref="JoinNext"/> outside it. Thread-safe: tasks
/// complete on any executor thread; spawn, abort and dispose from any thread (spawn from a task for
/// <see cref="Spawn(IFuture{T})"/>); one <see cref="JoinNext"/> pending at a time.</para>
/// </remarks>
[DebuggerDisplay("JoinSet ({Count} tasks)")]
public sealed class JoinSet<T> : IDisposable, IWakeTarget
{
    /// <summary>A place in the set: the task, the reuse count its waker carries, and whether its completion was queued.</summary>
    private struct Entry
    {
        public ITaskCell<T>? Task;
        public int Generation;
        public bool Finished;
    }

    private readonly Lock _lock = new();
    private Entry[] _entries = new Entry[8];
    private readonly Stack<int> _free = new();
    private readonly Queue<int> _finished = new();
    private int _used;           // entries ever handed out (free ones are on _free)
    private int _count;          // tasks in the set: spawned and not yet given by JoinNext
    private Waker _joiner;       // the pending JoinNext's waker, valid while _joinerRegistered
    private bool _joinerRegistered;
    private bool _disposed;

    /// <summary>Tasks in the set: spawned and not yet given by <see cref="JoinNext"/> (a snapshot).</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _count;
        }
    }

    /// <summary>Spawns <paramref name="future"/> on the executor running the current task, into this set.</summary>
    /// <exception cref="InvalidOperationException">Not called from inside a task (use an overload that takes the executor).</exception>
    /// <exception cref="ObjectDisposedException">The set was disposed.</exception>
    public AbortHandle Spawn(IFuture<T> future)
    {
        ThrowIfDisposed();
        return Add(Executor.Spawn(future));
    }

    /// <summary>Spawns <paramref name="future"/> on <paramref name="executor"/>, into this set (same thread rules as its Spawn).</summary>
    /// <exception cref="ObjectDisposedException">The set was disposed.</exception>
    public AbortHandle Spawn(LocalExecutor executor, IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ThrowIfDisposed();
        return Add(executor.Spawn(future));
    }

    /// <summary>Spawns <paramref name="future"/> on <paramref name="executor"/>, into this set.</summary>
    /// <exception cref="ObjectDisposedException">The set was disposed.</exception>
    public AbortHandle Spawn(WorkStealingExecutor executor, IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ThrowIfDisposed();
        return Add(executor.Spawn(future));
    }

    /// <summary>
    /// A future of the next task to finish, as its <see cref="JoinHandle{T}"/> (await it for the result or the
    /// exception), or of null once the set is empty. Cancel-safe: disposing it while it waits loses no task.
    /// </summary>
    public JoinNextFuture<T> JoinNext() => new(this);

    /// <summary>Takes the next finished task if there is one; never waits.</summary>
    public bool TryJoinNext(out JoinHandle<T> finished)
    {
        lock (_lock)
        {
            ThrowIfDisposedLocked();
            return TryTakeLocked(out finished);
        }
    }

    /// <summary>
    /// Aborts every task in the set (see <see cref="JoinHandle{T}.Abort"/>); they stay in it, and
    /// <see cref="JoinNext"/> gives each one (cancelled, or finished if it completed first).
    /// </summary>
    public void AbortAll()
    {
        // Aborted outside the lock (an abort wakes the task into its executor), from a pooled copy: allocation-free
        // once the pool has an array of this size, which Shutdown's 0-byte test relies on.
        var running = RentRunning(out int count);
        try
        {
            for (int i = 0; i < count; i++) running[i].Abort();
        }
        finally
        {
            System.Buffers.ArrayPool<ITaskCell<T>>.Shared.Return(running, clearArray: true);
        }
    }

    /// <summary>
    /// A future that aborts every task in the set and completes once they all ended, their <c>finally</c> blocks that
    /// await included, leaving the set empty (tokio's <c>JoinSet::shutdown</c>): <c>await set.Shutdown();</c> is to
    /// <see cref="Dispose"/> what awaiting cancelled tasks is to cancelling them.
    /// </summary>
    public JoinSetShutdownFuture<T> Shutdown() => new(this);

    /// <summary>Aborts every task still in the set and empties it (tokio's drop of a JoinSet). Idempotent.</summary>
    /// <remarks>A pending <see cref="JoinNext"/> is woken and throws <see cref="ObjectDisposedException"/>. Disposing
    /// cannot wait: each task finishes its cleanup on its own, afterwards (counted in
    /// <see cref="CancelledCleanup.Detached"/>, event 112, when that cleanup waits). To wait for it, <c>await</c>
    /// <see cref="Shutdown"/> first.</remarks>
    public void Dispose()
    {
        List<ITaskCell<T>> tasks;
        Waker joiner = default;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            tasks = new List<ITaskCell<T>>(_count);
            for (int i = 0; i < _used; i++)
            {
                if (_entries[i].Task is { } task) tasks.Add(task);
                _entries[i] = default;
            }
            _count = 0;
            _finished.Clear();
            if (_joinerRegistered) joiner = _joiner;
        }
        foreach (var task in tasks) task.AbortUnjoined();
        joiner.Wake();
    }

    /// <summary>Takes a spawned task into the set (internal: the Coyote tests spawn on a model scheduler).</summary>
    internal AbortHandle Add(JoinHandle<T> handle)
    {
        var task = handle.Task;
        int slot, generation;
        lock (_lock)
        {
            if (_disposed)
            {
                // Disposed between the check and the spawn: the task belongs to no set, so it must not outlive it.
                task.AbortUnjoined();
                ThrowIfDisposedLocked();
            }
            slot = _free.Count > 0 ? _free.Pop() : NewSlotLocked();
            ref var entry = ref _entries[slot];
            generation = ++entry.Generation;
            entry.Task = task;
            entry.Finished = false;
            _count++;
        }
        // Outside the lock: the task may already be complete (then nothing is stored and we queue it ourselves), or
        // complete on another thread right after, waking Wake below, which takes the lock.
        if (!task.WatchCompletion(new Waker(this, slot, generation))) Wake(slot, generation);
        return new AbortHandle(task);
    }

    private int NewSlotLocked()
    {
        if (_used == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        return _used++;
    }

    /// <summary>A task of the set completed (its join waker): queue it for <see cref="JoinNext"/>. Any thread.</summary>
    void IWakeTarget.Wake(int slot, int generation) => Wake(slot, generation);

    private void Wake(int slot, int generation)
    {
        Waker joiner = default;
        lock (_lock)
        {
            if (slot >= _used) return;
            ref var entry = ref _entries[slot];
            // A stale wake (the task left the set, its place reused) or a second wake of one completion: ignored.
            if (entry.Generation != generation || entry.Task is null || entry.Finished) return;
            entry.Finished = true;
            _finished.Enqueue(slot);
            if (_joinerRegistered) joiner = _joiner;
        }
        joiner.Wake(); // outside the lock: it may poll JoinNext on this thread
    }

    /// <summary>The tasks not finished yet, in a pooled array (return it cleared).</summary>
    private ITaskCell<T>[] RentRunning(out int count)
    {
        lock (_lock)
        {
            var tasks = System.Buffers.ArrayPool<ITaskCell<T>>.Shared.Rent(Math.Max(_count, 1));
            count = 0;
            for (int i = 0; i < _used; i++)
            {
                if (_entries[i].Task is { } task && !_entries[i].Finished) tasks[count++] = task;
            }
            return tasks;
        }
    }

    internal Poll<JoinHandle<T>?> PollJoinNext(ref bool registered, in Waker waker)
    {
        lock (_lock)
        {
            Debug.Assert(!registered || _joinerRegistered, "a registered JoinNext lost its registration");
            if (_disposed)
            {
                if (registered) registered = _joinerRegistered = false;
                throw new ObjectDisposedException(nameof(JoinSet<T>), "The JoinSet was disposed (which aborted its tasks) while a JoinNext waited.");
            }
            if (TryTakeLocked(out var finished))
            {
                if (registered) registered = _joinerRegistered = false;
                return Poll<JoinHandle<T>?>.Ready(finished);
            }
            if (_count == 0)
            {
                if (registered) registered = _joinerRegistered = false;
                return Poll<JoinHandle<T>?>.Ready(null);
            }
            if (!registered)
            {
                if (_joinerRegistered)
                    throw new InvalidOperationException(
                        "Two JoinNext are pending on one JoinSet: it gives each finished task to one taker. Await JoinNext " +
                        "in one task and pass the results on (an AsyncChannel), or use a JoinSet per consumer.");
                _joinerRegistered = registered = true;
            }
            _joiner = waker; // under the lock that Wake takes: a completion either finds it or is found above
            return Poll<JoinHandle<T>?>.Pending;
        }
    }

    internal void CancelJoinNext(ref bool registered)
    {
        if (!registered) return;
        lock (_lock)
        {
            registered = _joinerRegistered = false;
            _joiner = default;
        }
    }

    private bool TryTakeLocked(out JoinHandle<T> finished)
    {
        if (!_finished.TryDequeue(out int slot))
        {
            finished = default;
            return false;
        }
        ref var entry = ref _entries[slot];
        finished = new JoinHandle<T>(entry.Task!);
        entry.Task = null;
        entry.Finished = false;
        _free.Push(slot);
        _count--;
        return true;
    }

    private void ThrowIfDisposed()
    {
        lock (_lock) ThrowIfDisposedLocked();
    }

    private void ThrowIfDisposedLocked()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(JoinSet<T>), "The JoinSet was disposed, which aborted its tasks; create a new one.");
    }
}
