using System.Diagnostics;

namespace AsyncGen.Executors.WorkStealing;

/// <summary>
/// Which workers sleep and how many are looking for work (tokio's <c>multi_thread/idle.rs</c>): decides whether new
/// work is worth waking a worker for, and which one.
/// </summary>
/// <remarks>
/// <para>One word counts <b>unparked</b> workers (high half) and <b>searching</b> workers (low half: unparked workers
/// that ran out of their own work and are stealing). A worker that makes work available wakes a sleeper only when
/// nobody is searching (a searcher will find the work) and somebody sleeps. The woken worker starts out searching,
/// so a burst of wakes unparks one worker, not one per task; when it finds work it stops searching, and if it was the
/// last searcher it wakes the next one (<see cref="TransitionFromSearching"/>), so wake-ups spread one at a time, as
/// fast as the work is found. At most half the workers search at once (more would only contend on the same
/// queues).</para>
/// <para>Why no work is stranded (tokio's argument): a worker parks only after it looked in its own queue, the
/// injection queue and, while searching, every other queue; the last searcher to park re-checks every queue after
/// it counted itself parked (<see cref="TransitionToParked"/> returns true, and the worker then calls
/// <see cref="WorkStealingExecutor.NotifyIfWorkPending"/>). A notifier publishes its work before it reads the word;
/// the parker writes the word before it re-checks; both are full fences, so either the notifier sees the sleeper or
/// the last searcher sees the work.</para>
/// <para>The sleeper list is under a lock, as in tokio: it is taken only when a worker parks or is woken, never per
/// task.</para>
/// </remarks>
[DebuggerDisplay("IdleWorkers ({Unparked} unparked, {Searching} searching)")]
internal sealed class IdleWorkers
{
    /// <summary>16: tokio's UNPARK_SHIFT; the executor has at most 64 workers, so each half has room to spare.</summary>
    private const int UnparkShift = 16;
    private const int SearchMask = (1 << UnparkShift) - 1;

    private readonly int _workerCount;
    private readonly Lock _lock = new();
    private readonly int[] _sleepers; // a stack of parked worker indices, guarded by _lock
    private int _sleeperCount;
    private int _state; // unparked << UnparkShift | searching

    public IdleWorkers(int workerCount)
    {
        _workerCount = workerCount;
        _sleepers = new int[workerCount];
        _state = workerCount << UnparkShift;
    }

    /// <summary>Workers that are not parked (a snapshot).</summary>
    public int Unparked => Volatile.Read(ref _state) >> UnparkShift;

    /// <summary>Workers looking for work to steal (a snapshot).</summary>
    public int Searching => Volatile.Read(ref _state) & SearchMask;

    /// <summary>
    /// The worker to wake for work just made available, counted as unparked and searching from now on; -1 when none
    /// should be woken (one is searching already, or none sleeps). Call after publishing the work.
    /// </summary>
    public int WorkerToNotify()
    {
        if (!ShouldWake()) return -1;
        lock (_lock)
        {
            // Re-checked under the lock: two notifiers that both saw a sleeper must not both wake one for one piece of
            // work (the first one's wakee is searching now, which the second sees).
            if (!ShouldWake()) return -1;
            Interlocked.Add(ref _state, (1 << UnparkShift) | 1);
            Debug.Assert(_sleeperCount > 0);
            return _sleepers[--_sleeperCount];
        }
    }

    /// <summary>
    /// Counts worker <paramref name="index"/> as parked (and no longer searching); returns true when it was the last
    /// searcher, which must then re-check every queue (see the remarks).
    /// </summary>
    public bool TransitionToParked(int index, bool searching)
    {
        lock (_lock)
        {
            int decrement = (1 << UnparkShift) | (searching ? 1 : 0);
            int previous = Interlocked.Add(ref _state, -decrement) + decrement;
            Debug.Assert(_sleeperCount < _workerCount);
            _sleepers[_sleeperCount++] = index;
            return searching && (previous & SearchMask) == 1;
        }
    }

    /// <summary>Starts searching, unless half the workers already are (then the caller should not steal).</summary>
    public bool TransitionToSearching()
    {
        if (2 * Searching >= _workerCount) return false;
        Interlocked.Increment(ref _state);
        return true;
    }

    /// <summary>Stops searching; returns true when this was the last searcher (which must then wake another).</summary>
    public bool TransitionFromSearching() => (Interlocked.Decrement(ref _state) & SearchMask) == 0;

    /// <summary>
    /// A parked worker that woke by itself (I/O or a timer in the driver, not a notification) takes itself off the
    /// sleeper list; returns false when it was not on it (a notifier took it off, and counted it searching).
    /// </summary>
    public bool RemoveSleeper(int index)
    {
        lock (_lock)
        {
            for (int i = 0; i < _sleeperCount; i++)
            {
                if (_sleepers[i] != index) continue;
                _sleepers[i] = _sleepers[--_sleeperCount];
                Interlocked.Add(ref _state, 1 << UnparkShift);
                return true;
            }
            return false;
        }
    }

    /// <summary>Whether worker <paramref name="index"/> is on the sleeper list (not yet woken by a notifier).</summary>
    public bool IsSleeping(int index)
    {
        lock (_lock)
        {
            return _sleepers.AsSpan(0, _sleeperCount).Contains(index);
        }
    }

    private bool ShouldWake()
    {
        // A full fence before the read: pairs with the notifier's publication of its work (see the remarks). A fence
        // and a plain read rather than tokio's fetch_add(0): a read-modify-write would pull the word's cache line
        // away from the other workers on every notification, and most notifications end right here.
        Interlocked.MemoryBarrier();
        int state = Volatile.Read(ref _state);
        return (state & SearchMask) == 0 && state >> UnparkShift < _workerCount;
    }
}
