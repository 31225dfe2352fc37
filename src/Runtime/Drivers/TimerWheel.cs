using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Numerics;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers;

/// <summary>
/// A hierarchical timing wheel (tokio's <c>time/wheel</c>): 6 levels × 64 slots at 1 ms resolution, covering
/// 64^6 ms ≈ 2.2 years; longer deadlines are parked in the last level and re-filed when it comes round.
/// </summary>
/// <remarks>
/// <para>Level <c>L</c> holds timers whose deadline first differs from the wheel's current time in bits
/// <c>6L..6L+5</c>; each slot of level <c>L</c> spans 64^L ms. Insert and remove are O(1); reaching a slot of an
/// upper level re-files its timers one level down ("cascading"). So every timer at a lower level expires before
/// any timer at a higher one, and the next deadline is found by scanning at most 6 occupancy masks.</para>
/// <para>Timers live in a slab of structs addressed by <see cref="TimerHandle"/> (index + generation), so a
/// sleep allocates nothing in steady state and a stale handle can never touch a reused entry. Firing frees the
/// entry (a new generation) in the same locked pass that collects it: a sleeper learns that its timer fired from
/// the generation alone, read without the lock (<see cref="PollFired"/>), and has nothing to remove afterwards —
/// a resumed sleep costs no lock at all.</para>
/// <para>Thread-safe: a work-stealing executor shares one wheel between its workers and a task may be re-polled
/// on another worker than the one that registered its timer. One uncontended lock per operation; wakers are
/// woken after the lock is released. While a thread parks until <see cref="BeginPark"/>'s deadline, inserting an
/// earlier timer unparks it, so the new deadline is never overslept.</para>
/// </remarks>
internal sealed class TimerWheel
{
    private const int SlotBits = 6;                       // 64 slots: one ulong occupancy mask per level
    private const int SlotsPerLevel = 1 << SlotBits;
    private const int Levels = 6;                         // 64^6 ms ≈ 2.2 years before an entry must re-file
    private const long MaxSpan = 1L << (SlotBits * Levels);
    private const int None = -1;

    private readonly ulong[] _occupied = new ulong[Levels];
    private readonly int[] _heads = new int[Levels * SlotsPerLevel];
    private readonly int[] _tails = new int[Levels * SlotsPerLevel]; // append at the tail: equal deadlines fire FIFO
    private Entry[] _entries = new Entry[64];
    private int _freeHead = None;
    private int _used;
    private long _elapsed;                                // the wheel's current time, in ms (MonotonicClock.NowMs)
    private long _parkDeadline = NotParked;               // the deadline a parked thread sleeps until
    private readonly List<Waker> _firing = [];            // reused by Advance: wakes happen outside the lock
    private readonly Lock _lock = new();
    private const long NotParked = long.MinValue;

    public TimerWheel() : this(MonotonicClock.NowMs) { }

    public TimerWheel(long startMs)
    {
        _elapsed = startMs;
        _heads.AsSpan().Fill(None);
        _tails.AsSpan().Fill(None);
    }

    /// <summary>Number of timers waiting in the wheel.</summary>
    public int Count { get; private set; }

    /// <summary>Unparked when a timer earlier than the parked thread's deadline is inserted.</summary>
    public IParker? Parker { get; set; }

    /// <summary>Adds a timer that wakes <paramref name="waker"/> once <see cref="Advance"/> reaches <paramref name="deadlineMs"/>.</summary>
    public TimerHandle Insert(long deadlineMs, in Waker waker)
    {
        TimerHandle handle;
        bool unpark;
        lock (_lock)
        {
            int index = Allocate();
            ref var entry = ref _entries[index];
            entry.Deadline = deadlineMs;
            entry.Waker = waker;
            entry.State = EntryState.Waiting;
            File(index);
            Count++;
            handle = new TimerHandle(index, entry.Generation);
            unpark = deadlineMs < _parkDeadline;
        }
        if (unpark) Parker?.Unpark();
        RuntimeCounters.CountOnCurrent(RuntimeCounter.TimersArmed);
        if (AsyncGenEventSource.Log.IsEnabled(EventLevel.Verbose, AsyncGenEventSource.Keywords.Timers)) AsyncGenEventSource.Log.TimerArmed(deadlineMs);
        return handle;
    }

    /// <summary>
    /// A re-poll: true if the timer has fired (its handle is then stale: nothing to remove); otherwise stores
    /// <paramref name="waker"/> (if it changed). The store and the last check share one lock, so a fire cannot slip
    /// between them and wake only the previous waker.
    /// </summary>
    /// <remarks>Only the handle's owner removes its timer, so a generation that moved on means the timer fired. That
    /// is read without the lock first: the firing bumped it under the lock before the wake that scheduled this poll,
    /// and an array replaced by a growth since holds the generation of the time it was copied, older but never
    /// newer, so a stale read can only send the poll on to the locked check.</remarks>
    public bool PollFired(TimerHandle handle, in Waker waker)
    {
        if (Volatile.Read(ref _entries)[handle.Index].Generation != handle.Generation) return true;
        lock (_lock)
        {
            ref var entry = ref _entries[handle.Index];
            if (entry.Generation != handle.Generation) return true;
            if (!entry.Waker.WillWake(waker)) entry.Waker = waker;
            return false;
        }
    }

    /// <summary>
    /// Cancels a waiting timer; the handle becomes stale. A handle whose timer fired is stale already (firing freed
    /// it), so removing it does nothing — nor does it touch the timer that may reuse its entry.
    /// </summary>
    public void Remove(TimerHandle handle)
    {
        lock (_lock)
        {
            ref var entry = ref _entries[handle.Index];
            if (entry.Generation != handle.Generation) return; // fired (or removed) before
            Debug.Assert(entry.State == EntryState.Waiting, "a live handle addresses a waiting timer");
            Unlink(handle.Index);
            Count--;
            Free(handle.Index);
        }
    }

    /// <summary>
    /// The earliest deadline of a waiting timer that would wake <paramref name="waker"/>, or null: what a stall report
    /// says a task waits for when its futures cannot describe themselves. A scan of every entry: diagnostics only.
    /// </summary>
    public long? EarliestDeadlineOf(in Waker waker)
    {
        lock (_lock)
        {
            long? earliest = null;
            for (int i = 0; i < _used; i++)
            {
                ref var entry = ref _entries[i];
                if (entry.State == EntryState.Waiting && entry.Waker.WillWake(waker) && !(entry.Deadline >= earliest))
                    earliest = entry.Deadline;
            }
            // A timer that Advance took out of the wheel but has not woken yet still holds the waker: without this,
            // a report racing with the firing would call a sleeping task lost.
            foreach (var firing in _firing)
            {
                if (firing.WillWake(waker)) return _elapsed;
            }
            return earliest;
        }
    }

    /// <summary>The earliest time at which <see cref="Advance"/> has work, or <see cref="long.MaxValue"/> when empty.</summary>
    public long NextDeadline
    {
        get
        {
            lock (_lock) return TryFindNextSlot(out _, out _, out long deadline) ? deadline : long.MaxValue;
        }
    }

    /// <summary>
    /// Returns <see cref="NextDeadline"/> and, atomically with it, records that a thread is about to park until
    /// then: an earlier insert before <see cref="EndPark"/> unparks it.
    /// </summary>
    public long BeginPark()
    {
        lock (_lock)
        {
            _parkDeadline = TryFindNextSlot(out _, out _, out long deadline) ? deadline : long.MaxValue;
            return _parkDeadline;
        }
    }

    /// <summary>The parked thread is back: inserts need not unpark it any more.</summary>
    public void EndPark()
    {
        lock (_lock) _parkDeadline = NotParked;
    }

    /// <summary>
    /// Fires every timer whose deadline is at or before <paramref name="nowMs"/>, in deadline order. Called by one
    /// thread at a time: the thread that holds the driver.
    /// </summary>
    /// <returns>How many timers fired.</returns>
    public int Advance(long nowMs)
    {
        int fired;
        lock (_lock)
        {
            fired = CollectExpired(nowMs);
        }
        // Wake outside the lock, in deadline order: a wake may schedule work that inserts timers.
        foreach (var waker in _firing) waker.Wake();
        if (_firing.Count > 0)
        {
            // Cleared under the lock: EarliestDeadlineOf reads the list from other threads.
            lock (_lock) _firing.Clear();
        }
        if (fired > 0)
        {
            RuntimeCounters.CountOnCurrent(RuntimeCounter.TimersFired, fired);
            if (AsyncGenEventSource.Log.IsEnabled(EventLevel.Verbose, AsyncGenEventSource.Keywords.Timers)) AsyncGenEventSource.Log.TimersFired(fired, nowMs);
        }
        return fired;
    }

    private int CollectExpired(long nowMs)
    {
        int fired = 0;
        while (TryFindNextSlot(out int level, out int slot, out long slotTime) && slotTime <= nowMs)
        {
            _elapsed = Math.Max(_elapsed, slotTime);
            int index = TakeSlot(level, slot);
            while (index != None)
            {
                ref var entry = ref _entries[index];
                int next = entry.Next;
                if (entry.Deadline <= _elapsed)
                {
                    Count--;
                    fired++;
                    _firing.Add(entry.Waker);
                    Free(index); // the new generation tells the sleeper it fired
                }
                else
                {
                    File(index); // cascade: closer now, so it lands on a lower level
                }
                index = next;
            }
        }
        _elapsed = Math.Max(_elapsed, nowMs);
        return fired;
    }

    private void File(int index)
    {
        ref var entry = ref _entries[index];
        // Deadlines beyond the wheel's span are parked at the farthest slot and re-filed when it comes round.
        long when = Math.Max(Math.Min(entry.Deadline, _elapsed + MaxSpan - 1), _elapsed);
        int level = LevelFor(_elapsed, when);
        int slot = (int)(when >> (level * SlotBits)) & (SlotsPerLevel - 1);
        int head = level * SlotsPerLevel + slot;
        entry.Level = (byte)level;
        entry.Slot = (byte)slot;
        entry.Next = None;
        entry.Prev = _tails[head];
        if (entry.Prev != None) _entries[entry.Prev].Next = index;
        else _heads[head] = index;
        _tails[head] = index;
        _occupied[level] |= 1UL << slot;
    }

    private static int LevelFor(long elapsed, long when)
    {
        // The highest bit where the deadline differs from now decides the level; |63 keeps level 0 for < 64 ms.
        long masked = (elapsed ^ when) | (SlotsPerLevel - 1);
        if (masked >= MaxSpan) masked = MaxSpan - 1;
        int significant = 63 - BitOperations.LeadingZeroCount((ulong)masked);
        return significant / SlotBits;
    }

    private bool TryFindNextSlot(out int level, out int slot, out long slotTime)
    {
        for (level = 0; level < Levels; level++)
        {
            ulong occupied = _occupied[level];
            if (occupied == 0) continue;
            int shift = level * SlotBits;
            int nowSlot = (int)(_elapsed >> shift) & (SlotsPerLevel - 1);
            ulong rotated = BitOperations.RotateRight(occupied, nowSlot);
            int distance = BitOperations.TrailingZeroCount(rotated);
            long levelSpan = 1L << (shift + SlotBits);
            long levelStart = _elapsed & ~(levelSpan - 1);
            // Only the top level's current slot can hold timers for its next turn (deadlines beyond the span are
            // clamped there); any other occupied slot of the level comes first.
            if (distance == 0 && levelStart + ((long)nowSlot << shift) < _elapsed && (rotated & ~1UL) != 0)
                distance = BitOperations.TrailingZeroCount(rotated & ~1UL);
            slot = (nowSlot + distance) & (SlotsPerLevel - 1);
            slotTime = levelStart + ((long)slot << shift);
            // A slot "behind" now belongs to the next turn of this level.
            if (slotTime < _elapsed) slotTime += levelSpan;
            return true;
        }
        level = slot = 0;
        slotTime = long.MaxValue;
        return false;
    }

    private int TakeSlot(int level, int slot)
    {
        int head = level * SlotsPerLevel + slot;
        int index = _heads[head];
        _heads[head] = _tails[head] = None;
        _occupied[level] &= ~(1UL << slot);
        return index;
    }

    private void Unlink(int index)
    {
        ref var entry = ref _entries[index];
        int head = entry.Level * SlotsPerLevel + entry.Slot;
        if (entry.Prev != None) _entries[entry.Prev].Next = entry.Next;
        else _heads[head] = entry.Next;
        if (entry.Next != None) _entries[entry.Next].Prev = entry.Prev;
        else _tails[head] = entry.Prev;
        if (_heads[head] == None) _occupied[entry.Level] &= ~(1UL << entry.Slot);
    }

    private int Allocate()
    {
        if (_freeHead != None)
        {
            int index = _freeHead;
            _freeHead = _entries[index].Next;
            return index;
        }
        if (_used == _entries.Length)
        {
            var grown = new Entry[_entries.Length * 2];
            Array.Copy(_entries, grown, _used);
            Volatile.Write(ref _entries, grown); // published after the copy: PollFired reads it without the lock
        }
        return _used++;
    }

    private void Free(int index)
    {
        ref var entry = ref _entries[index];
        entry.Generation++;
        entry.State = EntryState.Free;
        entry.Waker = default;
        entry.Next = _freeHead;
        _freeHead = index;
    }

    private enum EntryState : byte { Free, Waiting }

    [DebuggerDisplay("{State} at {Deadline} ms (level {Level}, slot {Slot})")]
    private struct Entry
    {
        public long Deadline;
        public Waker Waker;
        public int Generation;
        public int Next;
        public int Prev;
        public EntryState State;
        public byte Level;
        public byte Slot;
    }
}
