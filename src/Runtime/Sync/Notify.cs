using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// Wakes waiting tasks without passing data (tokio's <c>Notify</c>): <see cref="NotifyOne"/> releases one waiter
/// or, if none is waiting, stores a single permit that the next <see cref="Notified"/> consumes at once;
/// <see cref="NotifyAll"/> releases every <see cref="NotifiedFuture"/> created before the call.
/// </summary>
/// <remarks>
/// <para><b>No lost notification.</b> The "check a condition, then wait" pattern works: a
/// <see cref="NotifyOne"/> that lands before the waiter's first poll is kept as the permit; a
/// <see cref="NotifyAll"/> is recorded in a call counter that each <see cref="NotifiedFuture"/> samples when it is
/// created, so it completes even if its first poll comes after the broadcast.</para>
/// <para><b>Cancel safety.</b> Disposing a pending <see cref="NotifiedFuture"/> loses nothing: if a
/// <see cref="NotifyOne"/> had already chosen it, the notification is passed on to the next waiter, or stored as
/// the permit. A <see cref="NotifyAll"/> release is not passed on (it already reached everybody).</para>
/// <para>Waiters are released first come, first served. Thread-safe.</para>
/// </remarks>
[DebuggerDisplay("Notify ({_waiters.Count} waiting{(_permit ? \", permit stored\" : \"\"),nq})")]
public sealed class Notify
{
    private readonly Lock _lock = new();
    private readonly WaiterQueue _waiters = new(); // entry amount = _broadcasts when the future was created
    private bool _permit;
    private int _broadcasts; // NotifyAll calls so far; written under the lock, sampled without it

    /// <summary>
    /// A future that completes at the next <see cref="NotifyOne"/> aimed at it (or at once if a permit is stored),
    /// or at the first <see cref="NotifyAll"/> made after this call.
    /// </summary>
    public NotifiedFuture Notified() => new(this, Volatile.Read(ref _broadcasts));

    /// <summary>Releases the longest-waiting <see cref="NotifiedFuture"/>, or stores one permit if none waits.</summary>
    public void NotifyOne()
    {
        var wakes = new WakeList();
        Waker granted = default;
        bool done = false;
        while (!done)
        {
            lock (_lock)
            {
                AssertInvariant();
                done = TryGrantOne(ref wakes, out granted);
            }
            wakes.WakeAll();
        }
        granted.Wake();
    }

    /// <summary>Releases every <see cref="NotifiedFuture"/> created before this call; stores no permit.</summary>
    public void NotifyAll()
    {
        var wakes = new WakeList();
        int broadcast;
        bool more;
        lock (_lock)
        {
            AssertInvariant();
            broadcast = ++_broadcasts;
            more = CollectBroadcast(broadcast, ref wakes);
        }
        wakes.WakeAll();
        while (more)
        {
            // Futures queued between these batches sampled the new count, so CollectBroadcast stops at them.
            lock (_lock) more = CollectBroadcast(broadcast, ref wakes);
            wakes.WakeAll();
        }
    }

    internal Poll<Unit> PollNotified(ref WaiterToken token, int broadcastsAtCreation, in Waker waker)
    {
        lock (_lock)
        {
            AssertInvariant();
            if (token.IsNone)
            {
                if (_broadcasts != broadcastsAtCreation) return Poll<Unit>.Ready(default);
                if (_permit)
                {
                    _permit = false;
                    return Poll<Unit>.Ready(default);
                }
                token = _waiters.Enqueue(waker, broadcastsAtCreation);
                return Poll<Unit>.Pending;
            }
            if (_waiters.OutcomeOf(token) == WaitOutcome.Waiting)
            {
                _waiters.UpdateWaker(token, waker);
                return Poll<Unit>.Pending;
            }
            _waiters.Free(token);
            token = default;
            return Poll<Unit>.Ready(default);
        }
    }

    internal void CancelNotified(ref WaiterToken token)
    {
        if (token.IsNone) return;
        var wakes = new WakeList();
        Waker forwarded = default;
        bool done;
        lock (_lock)
        {
            AssertInvariant();
            // Race: NotifyOne may have chosen this entry just before the dispose; pass its notification on.
            done = _waiters.Remove(token) != WaitOutcome.Granted || TryGrantOne(ref wakes, out forwarded);
            token = default;
        }
        wakes.WakeAll();
        while (!done)
        {
            lock (_lock) done = TryGrantOne(ref wakes, out forwarded);
            wakes.WakeAll();
        }
        forwarded.Wake();
    }

    // Lock held. Grants one notification: to the first waiter that the latest NotifyAll does not release anyway, or
    // as the permit. A NotifyAll releases its waiters in batches outside the lock; granting one of them would lose
    // this notification, so they are released here first (false: the wake list filled up, wake it and call again).
    private bool TryGrantOne(ref WakeList wakes, out Waker granted)
    {
        granted = default;
        if (CollectBroadcast(_broadcasts, ref wakes)) return false;
        if (_waiters.IsEmpty) _permit = true;
        else granted = _waiters.CompleteHead(WaitOutcome.Granted);
        return true;
    }

    // Lock held. Releases queued futures created before broadcast number `broadcast`; true if the list filled up.
    private bool CollectBroadcast(int broadcast, ref WakeList wakes)
    {
        while (!_waiters.IsEmpty && _waiters.HeadAmount - broadcast < 0)
        {
            if (!wakes.CanPush) return true;
            wakes.Push(_waiters.CompleteHead(WaitOutcome.Broadcast));
        }
        return false;
    }

    [Conditional("DEBUG")]
    private void AssertInvariant() =>
        Debug.Assert(!_permit || _waiters.IsEmpty, "a permit is stored while futures wait");
}
