using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// The FIFO of futures waiting on a sync primitive: an intrusive doubly linked list threaded through a slab of
/// entries, addressed by <see cref="WaiterToken"/> (slot + generation). Not thread-safe: every member is called
/// with the owning primitive's lock held.
/// </summary>
/// <remarks>
/// <para><b>Why a slab and not a node inside the future.</b> A pending future is pinned by contract (never copied
/// after its first poll), but it usually lives inside a heap object (a task's box) that the GC may move, and C#
/// cannot keep a reference to a field of a struct. So the waiter node lives here, in an array owned by the
/// primitive, and the future holds only its index and generation. The array grows to the largest number of
/// simultaneous waiters and is then reused: steady state allocates nothing.</para>
/// <para><b>Entry lifecycle.</b> <see cref="Enqueue"/> links a <see cref="WaitOutcome.Waiting"/> entry at the tail.
/// The owner serves an entry with <see cref="Complete"/>: it is unlinked, its outcome set and its waker returned
/// for waking after the lock is released; the slot stays allocated until the future observes the outcome
/// (<see cref="Free"/>) or is disposed (<see cref="Remove"/>). Freeing bumps the generation, so a stale token is
/// recognised by <see cref="IsCurrent"/>.</para>
/// </remarks>
[DebuggerDisplay("WaiterQueue ({Count} waiting)")]
internal sealed class WaiterQueue
{
    private const int None = -1;

    private Entry[] _entries = new Entry[4];
    private int _used;            // slots ever handed out; slots below this are live or on the free list
    private int _free = None;     // free list threaded through Entry.Next
    private int _head = None;
    private int _tail = None;

    /// <summary>Number of entries still <see cref="WaitOutcome.Waiting"/>.</summary>
    public int Count { get; private set; }

    /// <summary>True when nobody waits.</summary>
    public bool IsEmpty => _head == None;

    /// <summary>The amount (permits wanted, or a caller-defined tag) of the first waiting entry.</summary>
    public int HeadAmount
    {
        get
        {
            Debug.Assert(!IsEmpty, "HeadAmount of an empty queue");
            return _entries[_head].Amount;
        }
    }

    /// <summary>Links a new waiting entry at the tail and returns its token.</summary>
    public WaiterToken Enqueue(in Waker waker, int amount)
    {
        int slot = _free;
        if (slot != None)
        {
            _free = _entries[slot].Next;
        }
        else
        {
            if (_used == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
            slot = _used++;
            _entries[slot].Generation = 1; // generation 0 is reserved for default(WaiterToken)
        }

        ref var entry = ref _entries[slot];
        entry.Waker = waker;
        entry.Amount = amount;
        entry.Outcome = WaitOutcome.Waiting;
        entry.Previous = _tail;
        entry.Next = None;
        if (_tail == None) _head = slot;
        else _entries[_tail].Next = slot;
        _tail = slot;
        Count++;
        return new WaiterToken(slot, entry.Generation);
    }

    /// <summary>True when <paramref name="token"/> still names a live entry (not freed, not reused).</summary>
    public bool IsCurrent(WaiterToken token) =>
        !token.IsNone && token.Slot < _used && _entries[token.Slot].Generation == token.Generation;

    /// <summary>The outcome of a live entry.</summary>
    public WaitOutcome OutcomeOf(WaiterToken token)
    {
        Debug.Assert(IsCurrent(token), "OutcomeOf a stale token");
        return _entries[token.Slot].Outcome;
    }

    /// <summary>Stores the waker of the latest poll (only that one must be woken).</summary>
    public void UpdateWaker(WaiterToken token, in Waker waker)
    {
        Debug.Assert(IsCurrent(token) && OutcomeOf(token) == WaitOutcome.Waiting, "UpdateWaker of an entry that is not waiting");
        ref var stored = ref _entries[token.Slot].Waker;
        if (!stored.WillWake(waker)) stored = waker;
    }

    /// <summary>
    /// Serves the first waiting entry with <paramref name="outcome"/>: unlinks it and returns its waker, to be
    /// woken after the lock is released.
    /// </summary>
    public Waker CompleteHead(WaitOutcome outcome)
    {
        Debug.Assert(!IsEmpty, "CompleteHead of an empty queue");
        return Complete(_head, outcome);
    }

    /// <summary>
    /// Forgets the entry of a future that is being disposed and returns the outcome it had: if it was
    /// <see cref="WaitOutcome.Granted"/>, the caller must hand the resource back.
    /// </summary>
    public WaitOutcome Remove(WaiterToken token)
    {
        Debug.Assert(IsCurrent(token), "Remove of a stale token");
        var outcome = _entries[token.Slot].Outcome;
        if (outcome == WaitOutcome.Waiting) Unlink(token.Slot);
        Release(token.Slot);
        return outcome;
    }

    /// <summary>Frees the slot of a served entry once its future has observed the outcome.</summary>
    public void Free(WaiterToken token)
    {
        Debug.Assert(IsCurrent(token) && OutcomeOf(token) != WaitOutcome.Waiting, "Free of an entry that is still waiting");
        Release(token.Slot);
    }

    private Waker Complete(int slot, WaitOutcome outcome)
    {
        Debug.Assert(outcome != WaitOutcome.Waiting);
        ref var entry = ref _entries[slot];
        Debug.Assert(entry.Outcome == WaitOutcome.Waiting, "an entry is served twice");
        Unlink(slot);
        entry.Outcome = outcome;
        var waker = entry.Waker;
        entry.Waker = default;
        return waker;
    }

    private void Unlink(int slot)
    {
        ref var entry = ref _entries[slot];
        if (entry.Previous == None) _head = entry.Next;
        else _entries[entry.Previous].Next = entry.Next;
        if (entry.Next == None) _tail = entry.Previous;
        else _entries[entry.Next].Previous = entry.Previous;
        entry.Previous = entry.Next = None;
        Count--;
    }

    private void Release(int slot)
    {
        ref var entry = ref _entries[slot];
        entry.Waker = default;
        entry.Generation = entry.Generation == int.MaxValue ? 1 : entry.Generation + 1;
        entry.Next = _free;
        _free = slot;
    }

    private struct Entry
    {
        public Waker Waker;
        public int Generation;
        public int Amount;
        public int Previous;
        public int Next;
        public WaitOutcome Outcome;
    }
}
