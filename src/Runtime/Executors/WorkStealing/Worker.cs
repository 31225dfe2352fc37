using System.Diagnostics;
using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Tasks;

namespace AsyncGen.Executors.WorkStealing;

/// <summary>One thread of a <see cref="WorkStealingExecutor"/>: a LIFO slot, a local queue, and a parker.</summary>
/// <remarks>
/// <para>Where the next task comes from (tokio's <c>multi_thread/worker.rs</c>): every
/// <see cref="GlobalQueueInterval"/> ticks the injection queue first (fairness for tasks woken from outside);
/// otherwise the LIFO slot (the task this worker just woke: it is hot in cache) at most
/// <see cref="MaxLifoPolls"/> times in a row, then the tasks this worker's last driver turn woke (at most
/// <see cref="LocalExecutor.DriverShare"/> per <see cref="GlobalQueueInterval"/> ticks, as on the LocalExecutor), then
/// the local queue, then a batch from the injection queue, and finally — searching (see <see cref="IdleWorkers"/>) —
/// half of another worker's queue.</para>
/// <para>Driver-woken tasks (due timers, ready sockets) wait in a queue of their own rather than the local queue: a
/// burst of spawns fills the local queue, whose overflow would send a woken sleeper behind the whole injection queue
/// (100k first polls; see src/Runtime/Time/README.md). That queue is not stealable; it holds one turn's wakes.</para>
/// <para>The LIFO slot is the owner's alone: it is never stolen (a stealer would take the task its owner is about to
/// run hot), and it is bounded so that two tasks waking each other cannot keep the queue behind them waiting.</para>
/// </remarks>
[DebuggerDisplay("Worker {Index}")]
internal sealed class Worker : ITaskScheduler
{
    /// <summary>61: tokio's global_queue_interval, a prime so it does not beat with periodic workloads.</summary>
    public const int GlobalQueueInterval = 61;

    /// <summary>3: tokio's MAX_LIFO_POLLS_PER_TICK; two tasks waking each other cannot monopolise a worker.</summary>
    public const int MaxLifoPolls = 3;

    private readonly ITaskCell[] _batch = new ITaskCell[LocalQueue.Half]; // tasks taken from the injection queue at once
    private readonly WorkerParker _parker = new();
    private ITaskCell? _lifo;
    // This thread only: tasks its driver turns woke. A TaskRing, not a Queue<ITaskCell>: every I/O wake lands here, and
    // a store into an array of an interface type runs the array-store type check (TaskRing's remarks).
    private readonly TaskRing _driverWoken = new(LocalQueue.Capacity);
    private int _driverPolls; // taken from _driverWoken since the last Maintain
    private int _lifoPolls;
    private uint _tick;
    private uint _random;
    private bool _searching; // counted as searching in IdleWorkers
    private bool _inDriver;  // parked or polling the driver: wakes it dispatches are shared once, afterwards

    public Worker(WorkStealingExecutor executor, int index, RuntimeCounters counters)
    {
        Executor = executor;
        Index = index;
        Counters = counters;
        _random = (uint)(index * 2654435761u) | 1; // Knuth's multiplicative hash: distinct non-zero seeds
        Tasks = new WakerTable(this);
    }

    public WorkStealingExecutor Executor { get; }

    public int Index { get; }

    /// <summary>This worker's counters: written by its thread only.</summary>
    public RuntimeCounters Counters { get; }

    public LocalQueue Queue { get; } = new();

    /// <summary>
    /// The tasks spawned on this worker: it adds their slots without a lock; a task that completes on another worker
    /// frees its slot lock-free (<see cref="WakerTable.RemoveFromAnyThread"/>). The table's scheduler is this worker,
    /// which hands wakes to the executor: a woken task goes to the waking worker, wherever it was spawned.
    /// </summary>
    public WakerTable Tasks { get; }

    void ITaskScheduler.Schedule(ITaskCell task) => Executor.Schedule(task);

    void ITaskScheduler.ScheduleAfterPoll(ITaskCell task, bool yielded) => Executor.ScheduleAfterPoll(task, yielded);

    void ITaskScheduler.Release(ITaskCell task, int slot)
    {
        if (WorkStealingExecutor.CurrentWorker == this) Tasks.Remove(task, slot);
        else Tasks.RemoveFromAnyThread(task, slot); // another worker, or Dispose cancelling what was left
    }

    ExecutorMetrics ITaskScheduler.Metrics => Executor.Metrics;

    void ITaskScheduler.CountCompletion(RuntimeCounter counter) => Executor.CountCompletion(counter);

    /// <summary>This worker's own io_uring ring (<see cref="IIoDriver.EnterWorker"/>), or null when the workers share the driver's queue.</summary>
    public IParker? OwnRing
    {
        get => _parker.Own;
        set => _parker.Own = value;
    }

    /// <summary>
    /// Schedules a task woken on this worker's thread: into the LIFO slot, the previous occupant to the queue; a
    /// yielding task straight to the back of the queue.
    /// </summary>
    /// <returns>True when another worker should be told: a task became stealable outside a driver turn.</returns>
    public bool ScheduleLocal(ITaskCell task, bool yielding)
    {
        if (_inDriver && !yielding)
        {
            _driverWoken.Enqueue(task);
            return false; // not stealable: polled here, next
        }
        if (yielding)
        {
            Queue.Push(task, Executor.Injection); // behind the others, not into the LIFO slot
        }
        else
        {
            var previous = _lifo;
            _lifo = task;
            if (previous is null) return false;
            Queue.Push(previous, Executor.Injection);
        }
        // During a driver turn one I/O event after another lands here: notify once afterwards (Park), not per task.
        return !_inDriver;
    }

    /// <summary>Runs tasks until the executor shuts down.</summary>
    public void Run()
    {
        while (!Executor.IsShuttingDown)
        {
            _tick++;
            if (_tick % GlobalQueueInterval == 0)
            {
                _driverPolls = 0;
                Maintain();
            }
            var task = NextTask() ?? NextFromOwnRing() ?? StealWork();
            if (task is null)
            {
                Park();
                continue;
            }
            // Found work: stop searching; the last searcher to stop wakes another to keep looking (tokio's run_task).
            if (_searching)
            {
                _searching = false;
                if (Executor.Idle.TransitionFromSearching()) Executor.NotifyParked();
            }
            TaskLifecycle.Poll(task, Counters);
        }
    }

    /// <summary>
    /// Every <see cref="GlobalQueueInterval"/> ticks: fire due timers and poll I/O without blocking, which also submits
    /// the I/O this batch of polls queued; if another worker holds the driver, fire the due timers and either poll
    /// this worker's own ring without blocking (a ring per worker) or submit that I/O to the shared one.
    /// </summary>
    /// <remarks>The worker parked in the driver sleeps until the deadline it saw and then waits for a core: on a loaded
    /// machine its wake-up comes milliseconds late, while this worker is running anyway. Only I/O events wait for it.</remarks>
    private void Maintain()
    {
        long now = CoarseClock.Advance();
        long timersFired = Counters.Read(RuntimeCounter.TimersFired);
        bool drive = Executor.DriverLock.TryEnter();
        var own = OwnRing;
        // A parked worker is driving the shared ring: blocked in the kernel, it would not see what this batch queued.
        if (!drive && own is null) Executor.Driver.Io.SubmitDeferred();
        int fired = 0;
        _inDriver = true; // the wakes of this turn are this worker's, shared once below
        try
        {
            if (drive) Executor.Driver.Park(0); // in our own ring, if we have one
            else
            {
                own?.Park(0); // our ring is reaped by nobody else: submit this batch, take its completions
                fired = Executor.Driver.Timers.Advance(now);
            }
        }
        finally
        {
            _inDriver = false;
            if (drive) Executor.DriverLock.Exit();
        }
        if (!drive && fired == 0 && _driverWoken.Count == 0) return; // nothing new here: no sleeper is worth a wake-up
        ShareDriverWoken();
        if (ShouldNotifyOthers && WakesAreShared(timersFired)) Executor.NotifyParked();
    }

    /// <summary>
    /// Whether what a driver turn woke is worth waking another worker for (tokio notifies after every turn that woke
    /// more than one task, because one worker does all of the I/O). With a ring per worker the I/O a turn reaped is
    /// this worker's own — the completions of its own connections' requests — and another worker has its own ring to
    /// serve: it gets these tasks by stealing when it runs out, not by a wake-up, unless they outgrow this worker
    /// (<see cref="OutgrowsOneWorker"/>). Fired timers are everyone's.
    /// </summary>
    private bool WakesAreShared(long timersFiredBefore) =>
        OwnRing is null || Counters.Read(RuntimeCounter.TimersFired) != timersFiredBefore || OutgrowsOneWorker;

    /// <summary>
    /// After a turn of this worker's own ring: at least <see cref="LocalQueue.Half"/> tasks waiting here — what one
    /// turn shares into the stealable queue (<see cref="ShareDriverWoken"/>), over two <see cref="GlobalQueueInterval"/>s
    /// of polls, so the worker cannot run them before its next turns bring more. Its ring then delivers faster than one
    /// worker runs, and another worker is worth a wake-up even though these are this worker's own connections (before,
    /// a ring's I/O never woke anyone: a second worker on a machine with a free core never helped an overloaded ring).
    /// Higher than tokio's "more than one task": a task taken from here reads bytes this ring received (a cross-ring
    /// read) and its next completion sends it back; with every connection on one ring a bar of 61 woke the other worker
    /// after most turns that followed a short dry spell (design note, "Waking workers").
    /// </summary>
    private bool OutgrowsOneWorker => Queue.Count + _driverWoken.Count >= LocalQueue.Half;

    private ITaskCell? NextTask()
    {
        if (_tick % GlobalQueueInterval == 0 && Executor.Injection.TryPop(out var injected)) return injected;
        if (_lifo is { } hot)
        {
            _lifo = null;
            if (_lifoPolls++ < MaxLifoPolls) return hot;
            Queue.Push(hot, Executor.Injection);
        }
        _lifoPolls = 0;
        if (_driverPolls < LocalExecutor.DriverShare && _driverWoken.TryDequeue(out var woken))
        {
            _driverPolls++;
            return woken;
        }
        if (Queue.TryPop(out var task) || _driverWoken.TryDequeue(out task)) return task;
        return NextInjectedBatch();
    }

    /// <summary>
    /// Out of queued work, and this worker's own ring already holds completions (its CQ, or completion work the kernel
    /// keeps for its next enter — read without a syscall): a turn of that ring that does not block, before stealing or
    /// parking. The completions are this worker's connections, which only it can reap; without this it would first
    /// steal half of the other worker's queue (tasks whose receives live on that ring: every one a cross-ring read,
    /// <c>IoUringDriver.CrossRingReadCount</c>) and then park — the sleeper accounting, the driver lock and a
    /// waiting enter — only for the enter to return at once. Tokio has no such step: its one driver is polled by
    /// whichever worker parks. Timers stay with <see cref="Maintain"/> and the park.
    /// </summary>
    private ITaskCell? NextFromOwnRing()
    {
        if (OwnRing is not { HasCompletionWork: true } own) return null;
        Counters.Count(RuntimeCounter.OwnRingTurns);
        _inDriver = true; // the wakes of this turn are this worker's, shared once below
        try
        {
            own.Park(0);
        }
        finally
        {
            _inDriver = false;
        }
        ShareDriverWoken();
        if (ShouldNotifyOthers && OutgrowsOneWorker) Executor.NotifyParked();
        return NextTask();
    }

    /// <summary>
    /// Takes a share of the injection queue into the local queue (tokio's next_remote_task_batch): one lock
    /// acquisition for many tasks, and the rest become stealable here.
    /// </summary>
    private ITaskCell? NextInjectedBatch()
    {
        var injection = Executor.Injection;
        if (injection.IsEmpty) return null;
        // A fair share (len / workers + 1), at most what fits and at most half a ring.
        int wanted = Math.Min(injection.Count / Executor.Workers.Length + 1, Math.Min(Queue.RemainingSlots, LocalQueue.Half));
        int taken = injection.PopBatch(_batch.AsSpan(0, Math.Max(1, wanted)));
        if (taken == 0) return null;
        var first = _batch[0];
        if (taken > 1) Queue.PushBatch(_batch.AsSpan(1, taken - 1));
        Array.Clear(_batch, 0, taken);
        return first;
    }

    private ITaskCell? StealWork()
    {
        if (!_searching)
        {
            _searching = Executor.Idle.TransitionToSearching();
            if (!_searching) return null; // half the workers are searching already; they will find what there is
        }
        var workers = Executor.Workers;
        int start = (int)(NextRandom() % (uint)workers.Length);
        for (int i = 0; i < workers.Length; i++)
        {
            var victim = workers[(start + i) % workers.Length];
            if (victim == this || victim.Queue.IsEmpty) continue;
            if (victim.Queue.StealInto(Queue, out int stolen) is { } task)
            {
                Counters.Count(RuntimeCounter.Steals, stolen);
                return task;
            }
        }
        return Executor.Injection.TryPop(out var injected) ? injected : null;
    }

    /// <summary>
    /// After a driver turn, makes what it woke stealable: when the local queue is empty (a worker woken from the
    /// driver, the usual case under I/O load), up to half a ring of the driver-woken tasks move into it, where nothing
    /// is queued before them and an idle worker can steal them. Half, because tasks in the older half
    /// of the ring are never overflowed to the injection queue (an overflow moves the newer half), so a woken sleeper
    /// still cannot end up behind it. Tasks beyond that, or woken while the queue holds other work, stay in the
    /// driver queue and keep its priority.
    /// </summary>
    private void ShareDriverWoken()
    {
        if (_driverWoken.Count < 2 || Executor.Workers.Length == 1 || !Queue.IsEmpty) return;
        int moving = Math.Min(_driverWoken.Count, LocalQueue.Half);
        for (int i = 0; i < moving && _driverWoken.TryDequeue(out var task); i++) Queue.Push(task, Executor.Injection);
    }

    private bool HasTasks => _lifo is not null || !Queue.IsEmpty || _driverWoken.Count > 0;

    /// <summary>More here than this worker runs next: worth a sleeper (tokio's should_notify_others).</summary>
    private bool ShouldNotifyOthers => !_searching && (_lifo is not null ? 1 : 0) + Queue.Count > 1;

    /// <summary>Sleeps until there is work (tokio's park, transition_to_parked and transition_from_parked).</summary>
    private void Park()
    {
        if (HasTasks) return;
        if (Executor.Idle.TransitionToParked(Index, _searching)) Executor.NotifyIfWorkPending();
        _searching = false;
        while (!Executor.IsShuttingDown)
        {
            Counters.Count(RuntimeCounter.Parks);
            long timersFired = Counters.Read(RuntimeCounter.TimersFired);
            _inDriver = true; // wakes dispatched while parked in the driver are shared below, once
            bool drove = _parker.Park(Executor.Driver, Executor.DriverLock);
            _inDriver = false;
            CoarseClock.Advance();
            if (HasTasks)
            {
                // Woken with tasks of our own (the driver's I/O events and timers): if still listed as asleep, we were
                // not notified (so not counted as searching); otherwise a notifier counted us searching.
                _searching = !Executor.Idle.RemoveSleeper(Index);
                // Off the sleeper list first, so that the notification goes to another worker, not to ourselves.
                if (drove)
                {
                    ShareDriverWoken();
                    if (ShouldNotifyOthers && WakesAreShared(timersFired)) Executor.NotifyParked();
                }
                return;
            }
            if (!Executor.Idle.IsSleeping(Index))
            {
                _searching = true; // notified: the notifier counted us unparked and searching
                return;
            }
            // Still listed as asleep with nothing to do: a driver turn without work for us, or a spurious wake-up.
        }
    }

    /// <summary>Wakes this worker from whichever parker it is in. Thread-safe.</summary>
    public void Unpark()
    {
        if (_parker.Unpark(Executor.Driver)) Executor.Metrics.Count(RuntimeCounter.Unparks);
    }

    private uint NextRandom()
    {
        // xorshift32: cheap, allocation-free victim selection.
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        return _random;
    }
}
