using System.Diagnostics;
using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Tasks;

namespace AsyncGen.Executors.WorkStealing;

/// <summary>One thread of a <see cref="WorkStealingExecutor"/>: a LIFO slot, a local queue, and a parker.</summary>
/// <remarks>
/// Where the next task comes from (tokio's <c>multi_thread/worker.rs</c>): every
/// <see cref="GlobalQueueInterval"/> ticks the injection queue first (fairness for tasks woken from outside);
/// otherwise the LIFO slot (the task this worker just woke: it is hot in cache) at most
/// <see cref="MaxLifoPolls"/> times in a row, then the local queue, the injection queue, and finally half of a
/// random victim's queue.
/// </remarks>
[DebuggerDisplay("Worker {Index}")]
internal sealed class Worker
{
    /// <summary>61: tokio's global_queue_interval, a prime so it does not beat with periodic workloads.</summary>
    public const int GlobalQueueInterval = 61;

    /// <summary>3: tokio's MAX_LIFO_POLLS_PER_TICK; two tasks waking each other cannot monopolise a worker.</summary>
    public const int MaxLifoPolls = 3;

    private readonly ITaskCell[] _scratch = new ITaskCell[LocalQueue.Capacity / 2];
    private readonly ThreadParker _parker = new();
    private ITaskCell? _lifo;
    private int _lifoPolls;
    private uint _tick;
    private uint _random;
    private volatile bool _parkedInDriver; // which parker to unpark; see Park for the race with notifiers

    public Worker(WorkStealingExecutor executor, int index, RuntimeCounters counters)
    {
        Executor = executor;
        Index = index;
        Counters = counters;
        _random = (uint)(index * 2654435761u) | 1; // Knuth's multiplicative hash: distinct non-zero seeds
    }

    public WorkStealingExecutor Executor { get; }

    public int Index { get; }

    /// <summary>This worker's counters: written by its thread only.</summary>
    public RuntimeCounters Counters { get; }

    public LocalQueue Queue { get; } = new();

    /// <summary>Schedules a task woken on this worker's thread: into the LIFO slot, the previous occupant to the queue.</summary>
    /// <returns>True when a task became stealable, so an idle worker is worth waking.</returns>
    public bool ScheduleLocal(ITaskCell task)
    {
        var previous = _lifo;
        _lifo = task;
        if (previous is null) return false;
        Queue.Push(previous, Executor.Injection);
        return true;
    }

    /// <summary>The next task to run, or null when there is none anywhere.</summary>
    public ITaskCell? FindTask()
    {
        _tick++;
        if (_tick % GlobalQueueInterval == 0)
        {
            CoarseClock.Advance();
            Executor.Maintain();
            if (Executor.Injection.TryDequeue(out var injected)) return injected;
        }
        if (_lifo is { } hot)
        {
            _lifo = null;
            if (_lifoPolls++ < MaxLifoPolls) return hot;
            Queue.Push(hot, Executor.Injection);
        }
        _lifoPolls = 0;
        if (Queue.TryPop(out var task)) return task;
        if (Executor.Injection.TryDequeue(out task)) return task;
        return Steal();
    }

    private ITaskCell? Steal()
    {
        var workers = Executor.Workers;
        int start = (int)(NextRandom() % (uint)workers.Length);
        for (int i = 0; i < workers.Length; i++)
        {
            var victim = workers[(start + i) % workers.Length];
            if (victim == this || victim.Queue.Count == 0) continue;
            int stolen = victim.Queue.StealHalf(_scratch);
            if (stolen == 0) continue;
            Counters.Count(RuntimeCounter.Steals, stolen);
            for (int j = 1; j < stolen; j++) Queue.Push(_scratch[j], Executor.Injection);
            var first = _scratch[0];
            Array.Clear(_scratch, 0, stolen);
            if (stolen > 1) Executor.NotifyIdleWorker(); // more stolen work than we can run at once: share it
            return first;
        }
        return null;
    }

    /// <summary>Parks until notified: in the driver (timers + I/O) if no other worker holds it, else on its own.</summary>
    public void Park()
    {
        // The idle bit goes up before the driver is tried: a worker that releases the driver meanwhile then sees
        // us idle and hands the driver over (ReleaseDriver), instead of leaving timers and I/O unwatched.
        Executor.MarkIdle(Index);
        bool driving = Executor.TryAcquireDriver(Index);
        _parkedInDriver = driving;
        // Full fence, then re-check: a notifier that read the old _parkedInDriver (and unparked the wrong parker)
        // published its work before that read, so the check below sees the work.
        Interlocked.MemoryBarrier();
        if (!Executor.HasWork && !Executor.IsShuttingDown)
        {
            Counters.Count(RuntimeCounter.Parks);
            if (driving) Executor.Driver.Park();
            else _parker.Park(Timeout.Infinite);
            CoarseClock.Advance();
        }
        Executor.MarkBusy(Index);
        if (driving)
        {
            _parkedInDriver = false;
            Executor.ReleaseDriver();
        }
    }

    /// <summary>Wakes this worker from whichever parker it is in. Thread-safe.</summary>
    public void Unpark()
    {
        Executor.Metrics.Count(RuntimeCounter.Unparks);
        if (_parkedInDriver) Executor.Driver.Parker.Unpark();
        else _parker.Unpark();
    }

    /// <summary>Unparks both parkers: used at shutdown, when it is not known which one the worker sleeps in.</summary>
    public void UnparkForShutdown()
    {
        _parker.Unpark();
        Executor.Driver.Parker.Unpark();
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
