using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsyncGen.Sync;

/// <summary>
/// The fair, closable counting semaphore under <see cref="AsyncSemaphore"/>, <see cref="AsyncMutex{T}"/> and the
/// capacity of bounded channels (tokio's <c>batch_semaphore</c>).
/// </summary>
/// <remarks>
/// <para><b>Fairness.</b> Strict FIFO: a waiter is served only when it is at the head of the queue and enough
/// permits are free, and <see cref="TryAcquire"/> and first polls never take permits while anyone is queued. A
/// large request at the head therefore holds back smaller ones behind it (no barging, no starvation).</para>
/// <para><b>Invariant</b> (checked at every locked entry): permits are free only while the head of the queue
/// wants more than are free, i.e. <c>queue empty || permits &lt; head amount</c>; every permit is at all times
/// free, held by a caller, or held by a <see cref="WaitOutcome.Granted"/> entry that its future has not observed
/// yet. Disposing such a future hands the permits back (<see cref="CancelAcquire"/>), so cancellation loses none.</para>
/// <para><b>Wake-up.</b> Served entries' wakers are collected in a <see cref="WakeList"/> under the lock and
/// woken after it is released.</para>
/// </remarks>
[DebuggerDisplay("BatchSemaphore ({_permits} free, {_waiters.Count} waiting{(_closed ? \", closed\" : \"\"),nq})")]
internal sealed class BatchSemaphore
{
    private readonly Lock _lock = new();
    private readonly WaiterQueue _waiters = new();
    private int _permits;
    private bool _closed;
    private int _handoffs; // serving passes interrupted by a full WakeList, to be finished outside the lock

    public BatchSemaphore(int permits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        _permits = permits;
    }

    /// <summary>Permits free right now (a snapshot).</summary>
    public int AvailablePermits => Volatile.Read(ref _permits);

    /// <summary>Takes <paramref name="amount"/> permits if they are free and nobody is queued before us.</summary>
    public bool TryAcquire(int amount)
    {
        lock (_lock)
        {
            AssertInvariant();
            if (_closed || !_waiters.IsEmpty || _permits < amount) return false;
            _permits -= amount;
            return true;
        }
    }

    /// <summary>Returns <paramref name="amount"/> permits and serves the waiters they now satisfy.</summary>
    public void Release(int amount)
    {
        lock (_lock)
        {
            AssertInvariant();
            // Nobody waits (a channel's every receive, when its sender is not blocked): no wake list, whose 32
            // wakers are 512 bytes to zero — 4 % of ping_pong_channel's profile (benchmarks/README.md).
            if (_waiters.IsEmpty)
            {
                _permits = checked(_permits + amount);
                return;
            }
        }
        ReleaseAndServe(amount);
    }

    // Release with waiters queued (checked again under this lock: they may have been served or gone meanwhile).
    // Not inlined, so the wake list is zeroed only on this path.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReleaseAndServe(int amount)
    {
        var wakes = new WakeList();
        bool more;
        lock (_lock)
        {
            AssertInvariant();
            _permits = checked(_permits + amount);
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
                _closed = true;
                while (!_waiters.IsEmpty && wakes.CanPush) wakes.Push(_waiters.CompleteHead(WaitOutcome.Closed));
                more = !_waiters.IsEmpty;
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
        lock (_lock)
        {
            AssertInvariant();
            if (token.IsNone)
            {
                if (_closed) return Poll<bool>.Ready(false);
                if (_waiters.IsEmpty && _permits >= amount)
                {
                    _permits -= amount;
                    return Poll<bool>.Ready(true);
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
            if (_waiters.Remove(token) == WaitOutcome.Granted) _permits = checked(_permits + amount);
            token = default;
            more = BeginServing(ref wakes);
        }
        WakeAndServeRest(ref wakes, more);
    }

    // Lock held. True when serving stopped only because the wake list is full: the caller must finish it with
    // WakeAndServeRest. Until then servable waiters may sit behind free permits, which AssertInvariant tolerates.
    private bool BeginServing(ref WakeList wakes)
    {
        bool more = ServeWaiters(ref wakes);
        if (more) _handoffs++;
        return more;
    }

    // Lock held. Returns true when it stopped only because the wake list is full.
    private bool ServeWaiters(ref WakeList wakes)
    {
        while (!_waiters.IsEmpty && _permits >= _waiters.HeadAmount)
        {
            if (!wakes.CanPush) return true;
            _permits -= _waiters.HeadAmount;
            wakes.Push(_waiters.CompleteHead(WaitOutcome.Granted));
        }
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
        Debug.Assert(_permits >= 0, "negative permits");
        Debug.Assert(_handoffs >= 0, "unbalanced handoffs");
        Debug.Assert(_waiters.IsEmpty || _permits < _waiters.HeadAmount || _closed || _handoffs > 0,
            "permits left free while the head waiter could be served");
    }
}
