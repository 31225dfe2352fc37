using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsyncGen.Sync;

/// <summary>
/// The fair, closable counting semaphore under <see cref="AsyncSemaphore"/>, <see cref="AsyncMutex{T}"/> and the
/// capacity of bounded channels (tokio's <c>batch_semaphore</c>).
/// </summary>
/// <remarks>
/// <para><b>The state word</b> (<see cref="_state"/>, one <c>long</c>): <c>free permits &lt;&lt; 2 | Waiters | Closed</c>.
/// Uncontended acquire and release are one compare-and-swap on it and take no lock (tokio's semaphore, whose
/// acquire fast path is the same CAS); the lock guards only the <see cref="WaiterQueue"/>.</para>
/// <para><b>Who may change the word.</b> While <see cref="Waiters"/> is clear, anyone, by CAS: the fast paths of
/// <see cref="TryAcquire"/>, <see cref="PollAcquire"/>'s first poll and <see cref="Release"/> all require the bit
/// clear in the value they replace. While it is set, only a holder of the lock, because every fast path fails on
/// it and goes to the lock. The bit is set, under the lock, by the first poll that has to queue (in the same CAS
/// that finds too few permits, so a release cannot slip in between and leave its permits unused), and cleared,
/// under the lock, when the queue empties. So <c>queue non-empty ⇒ Waiters</c>, and permits released while anyone
/// waits are always handed out by a lock holder, in queue order.</para>
/// <para><b>Fairness.</b> Strict FIFO: a waiter is served only when it is at the head of the queue and enough
/// permits are free, and <see cref="TryAcquire"/> and first polls never take permits while anyone is queued (they
/// see <see cref="Waiters"/>). A large request at the head therefore holds back smaller ones behind it (no barging,
/// no starvation).</para>
/// <para><b>Invariant</b> (checked at every locked entry): permits are free only while the head of the queue
/// wants more than are free, i.e. <c>queue empty || permits &lt; head amount</c>; every permit is at all times
/// free, held by a caller, or held by a <see cref="WaitOutcome.Granted"/> entry that its future has not observed
/// yet. Disposing such a future hands the permits back (<see cref="CancelAcquire"/>), so cancellation loses none.
/// Every change of the word is an interlocked operation, so all of them are totally ordered: a bounded channel
/// relies on that to reuse a ring slot (<see cref="MpscRing{T}"/>).</para>
/// <para><b>Wake-up.</b> Served entries' wakers are collected in a <see cref="WakeList"/> under the lock and
/// woken after it is released.</para>
/// </remarks>
[DebuggerDisplay("BatchSemaphore ({AvailablePermits} free, {_waiters.Count} waiting{(IsClosed ? \", closed\" : \"\"),nq})")]
internal sealed class BatchSemaphore
{
    private const long Closed = 1;
    private const long Waiters = 2;
    private const int PermitShift = 2;
    private const long OnePermit = 1L << PermitShift;

    private readonly Lock _lock = new();
    private readonly WaiterQueue _waiters = new();
    private long _state;
    private int _handoffs; // serving passes interrupted by a full WakeList, to be finished outside the lock

    public BatchSemaphore(int permits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        _state = (long)permits << PermitShift;
    }

    /// <summary>Permits free right now (a snapshot).</summary>
    public int AvailablePermits => PermitsOf(Volatile.Read(ref _state));

    /// <summary>True once <see cref="Close"/> was called.</summary>
    public bool IsClosed => (Volatile.Read(ref _state) & Closed) != 0;

    /// <summary>
    /// True when the semaphore is closed and exactly <paramref name="permits"/> are free, read in one load: nobody
    /// holds a permit and nobody can take one any more (a bounded channel's "no sender is mid-send").
    /// </summary>
    public bool IsClosedWithFree(int permits)
    {
        long state = Volatile.Read(ref _state);
        return (state & Closed) != 0 && PermitsOf(state) == permits;
    }

    /// <summary>Takes <paramref name="amount"/> permits if they are free and nobody is queued before us.</summary>
    public bool TryAcquire(int amount)
    {
        long state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & (Closed | Waiters)) != 0 || PermitsOf(state) < amount) return false;
            long seen = Interlocked.CompareExchange(ref _state, state - amount * OnePermit, state);
            if (seen == state) return true;
            state = seen;
        }
    }

    /// <summary>Returns <paramref name="amount"/> permits and serves the waiters they now satisfy.</summary>
    /// <exception cref="OverflowException">More than <see cref="int.MaxValue"/> permits would be free.</exception>
    public void Release(int amount)
    {
        // Nobody waits (a channel's every receive, when its sender is not blocked): one CAS, no lock, no wake list.
        // Loop-free (a lost race or a queue goes to the loop below), small enough for the JIT to inline.
        long state = Volatile.Read(ref _state);
        long released = state + amount * OnePermit;
        if ((state & Waiters) == 0 && released >> PermitShift <= int.MaxValue &&
            Interlocked.CompareExchange(ref _state, released, state) == state)
            return;
        ReleaseContended(amount);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReleaseContended(int amount)
    {
        long state = Volatile.Read(ref _state);
        while ((state & Waiters) == 0)
        {
            long released = state + amount * OnePermit;
            if (released >> PermitShift > int.MaxValue) throw new OverflowException("The semaphore would hold more than int.MaxValue permits.");
            long seen = Interlocked.CompareExchange(ref _state, released, state);
            if (seen == state) return;
            state = seen;
        }
        ReleaseAndServe(amount);
    }

    // Release with waiters queued (the bit is checked again under this lock: they may have been served or gone).
    // Not inlined, so the wake list is zeroed only on this path.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReleaseAndServe(int amount)
    {
        var wakes = new WakeList();
        bool more;
        lock (_lock)
        {
            AssertInvariant();
            AddPermits(amount);
            more = BeginServing(ref wakes);
        }
        WakeAndServeRest(ref wakes, more);
    }

    /// <summary>
    /// Fails every queued and future acquisition (their polls return false). Permits held by callers may still be
    /// released; they just serve nobody.
    /// </summary>
    public void Close()
    {
        var wakes = new WakeList();
        bool more = true;
        while (more)
        {
            lock (_lock)
            {
                AssertInvariant();
                Interlocked.Or(ref _state, Closed);
                while (!_waiters.IsEmpty && wakes.CanPush) wakes.Push(_waiters.CompleteHead(WaitOutcome.Closed));
                more = !_waiters.IsEmpty;
                if (!more) ClearWaitersBit();
            }
            wakes.WakeAll();
        }
    }

    /// <summary>
    /// One poll of an acquisition: true once <paramref name="amount"/> permits are the caller's, false if the
    /// semaphore is closed, pending (with <paramref name="token"/> queued) otherwise.
    /// </summary>
    public Poll<bool> PollAcquire(ref WaiterToken token, int amount, in Waker waker)
    {
        if (token.IsNone)
        {
            long state = Volatile.Read(ref _state);
            if ((state & (Closed | Waiters)) == 0 && PermitsOf(state) >= amount &&
                Interlocked.CompareExchange(ref _state, state - amount * OnePermit, state) == state)
                return Poll<bool>.Ready(true); // the fast path: free permits, nobody queued, no lock
        }
        return PollAcquireLocked(ref token, amount, waker);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Poll<bool> PollAcquireLocked(ref WaiterToken token, int amount, in Waker waker)
    {
        lock (_lock)
        {
            AssertInvariant();
            if (token.IsNone)
            {
                long state = Volatile.Read(ref _state);
                while (true)
                {
                    if ((state & Closed) != 0) return Poll<bool>.Ready(false);
                    bool free = (state & Waiters) == 0 && PermitsOf(state) >= amount;
                    // Either take the permits or mark the queue non-empty, in one CAS: a lock-free release that
                    // lands in between makes it fail and is seen on the retry, so it cannot add permits that a
                    // waiter queued by this poll would never get.
                    long next = free ? state - amount * OnePermit : state | Waiters;
                    long seen = Interlocked.CompareExchange(ref _state, next, state);
                    if (seen == state)
                    {
                        if (free) return Poll<bool>.Ready(true);
                        break;
                    }
                    state = seen;
                }
                token = _waiters.Enqueue(waker, amount);
                return Poll<bool>.Pending;
            }

            var outcome = _waiters.OutcomeOf(token);
            if (outcome == WaitOutcome.Waiting)
            {
                _waiters.UpdateWaker(token, waker);
                return Poll<bool>.Pending;
            }
            _waiters.Free(token);
            token = default;
            return Poll<bool>.Ready(outcome == WaitOutcome.Granted);
        }
    }

    /// <summary>
    /// The acquisition named by <paramref name="token"/> is being disposed: leave the queue, or hand back the
    /// permits it was granted but never observed. Either way the waiters behind it may now be servable.
    /// </summary>
    public void CancelAcquire(ref WaiterToken token, int amount)
    {
        if (token.IsNone) return;
        var wakes = new WakeList();
        bool more;
        lock (_lock)
        {
            AssertInvariant();
            // Race: Release may have granted this entry after the owner decided to dispose; the grant is in the
            // entry's outcome, read under the same lock, so the permits are returned rather than lost.
            if (_waiters.Remove(token) == WaitOutcome.Granted) AddPermits(amount);
            token = default;
            more = BeginServing(ref wakes);
        }
        WakeAndServeRest(ref wakes, more);
    }

    private static int PermitsOf(long state) => (int)(state >> PermitShift);

    // Lock held. Interlocked although the lock is held: with the Waiters bit clear, lock-free fast paths race with it.
    private void AddPermits(int amount)
    {
        long added = Interlocked.Add(ref _state, amount * OnePermit);
        if (added >> PermitShift > int.MaxValue)
        {
            Interlocked.Add(ref _state, -amount * OnePermit);
            throw new OverflowException("The semaphore would hold more than int.MaxValue permits.");
        }
    }

    // Lock held, queue empty: the fast paths may take and release permits again.
    private void ClearWaitersBit()
    {
        Debug.Assert(_waiters.IsEmpty, "the Waiters bit cleared while entries wait");
        Interlocked.And(ref _state, ~Waiters);
    }

    // Lock held. True when serving stopped only because the wake list is full: the caller must finish it with
    // WakeAndServeRest. Until then servable waiters may sit behind free permits, which AssertInvariant tolerates.
    private bool BeginServing(ref WakeList wakes)
    {
        bool more = ServeWaiters(ref wakes);
        if (more) _handoffs++;
        return more;
    }

    // Lock held. Returns true when it stopped only because the wake list is full. With entries queued the Waiters
    // bit is set, so no fast path changes the word between the check and the subtraction.
    private bool ServeWaiters(ref WakeList wakes)
    {
        // Close fails the queue one wake list at a time, outside the lock in between: a release landing there must
        // fail the rest too, not grant them.
        bool closed = IsClosed;
        while (!_waiters.IsEmpty && (closed || AvailablePermits >= _waiters.HeadAmount))
        {
            if (!wakes.CanPush) return true;
            if (closed)
            {
                wakes.Push(_waiters.CompleteHead(WaitOutcome.Closed));
                continue;
            }
            Interlocked.Add(ref _state, -_waiters.HeadAmount * OnePermit);
            wakes.Push(_waiters.CompleteHead(WaitOutcome.Granted));
        }
        if (_waiters.IsEmpty) ClearWaitersBit();
        return false;
    }

    private void WakeAndServeRest(ref WakeList wakes, bool more)
    {
        wakes.WakeAll();
        while (more)
        {
            lock (_lock)
            {
                more = ServeWaiters(ref wakes);
                if (!more) _handoffs--;
            }
            wakes.WakeAll();
        }
    }

    [Conditional("DEBUG")]
    private void AssertInvariant()
    {
        long state = Volatile.Read(ref _state);
        Debug.Assert(PermitsOf(state) >= 0, "negative permits");
        Debug.Assert(_handoffs >= 0, "unbalanced handoffs");
        Debug.Assert(_waiters.IsEmpty || (state & Waiters) != 0, "entries wait but the fast paths are open");
        Debug.Assert(_waiters.IsEmpty || PermitsOf(state) < _waiters.HeadAmount || (state & Closed) != 0 || _handoffs > 0,
            "permits left free while the head waiter could be served");
    }
}
