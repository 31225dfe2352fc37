using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Numerics;
using AsyncGen.Diagnostics;

namespace AsyncGen.Drivers;

/// <summary>
/// A hierarchical timing wheel (after tokio's <c>time/wheel</c>): 6 levels at 1 ms resolution — level 0 of 128
/// slots of 1 ms, levels 1–5 of 64 slots — covering about 63 × 64^5 ms ≈ 2.2 years; longer deadlines are parked in
/// the last level and re-filed when it comes round.
/// </summary>
/// <remarks>
/// <para>Each slot of level <c>L</c> spans 64^L ms, aligned on multiples of its span. A timer is filed in level 0 when
/// it is due within 128 ms (the current millisecond included), else at the lowest level whose slot for its deadline
/// is at most 63 slots ahead of the level's current slot; from level 1 up that slot is never the current one, so no
/// slot holds timers of two turns. Insert and remove are O(1); the timers of an upper slot are re-filed lower down
/// ("cascading") when the clock reaches its start, and the next deadline is the earliest of the 6 levels' next
/// occupied slots (6 occupancy masks, level 0's 128 bits wide).</para>
/// <para>Why not tokio's rule (the level of the highest bit in which deadline and now differ): it files a timer at
/// level 1 whenever it crosses a 64 ms boundary, so a 5 ms sleep at 62 ms is re-filed at 64 — 68 % of the timers of
/// the comparison suite's timers workload (1–100 ms) were, up to ~30,000 in one turn that due sleepers waited behind
/// (1–2 ms measured); here a timer less than 128 ms away never cascades.</para>
/// <para>Why level 0 has 128 slots: so that the level-1 slot the clock reaches next can move into level 0 ahead of
/// time, a bounded number of timers per turn (<see cref="EarlyCascadePerTurn"/>), during the 64 ms before its start —
/// all of its timers are due within 128 ms by then. With 64 slots a level-1 slot could only move when the clock
/// reached it, all at once: 38,800 timers of that workload in one turn at 64 ms (when level 0 had 64 slots),
/// 1.5–2.1 ms measured, which every sleeper due meanwhile waited behind — its p99 overshoot. Slots of level 2 and up
/// still cascade whole when reached, into level 1 (seconds apart, and cheaper: one move per timer, no firing).</para>
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
    private const int SlotBits = 6;                       // 64 slots: one ulong occupancy mask per upper level
    private const int SlotsPerLevel = 1 << SlotBits;
    private const int Level0Slots = 2 * SlotsPerLevel;    // 128: two level-1 slots, see the remarks (a UInt128 mask)
    private const int Level0Mask = Level0Slots - 1;
    private const int Levels = 6;                         // 63 × 64^5 ms ≈ 2.2 years before an entry must re-file
    private const int TopShift = SlotBits * (Levels - 1);
    private const int None = -1;

    /// <summary>
    /// Timers of the next level-1 slot moved into level 0 per turn ahead of its start: 512, ≈ 20 µs at the ≈ 40 ns a
    /// re-filed timer cost when the slab outgrew the cache (38,800 in 1.5–2.1 ms, measured on the 2-core VM), so a
    /// turn stays short; 64 ms of turns move 512 × the turns in them (a busy executor turns every 61 polls).
    /// </summary>
    internal const int EarlyCascadePerTurn = 512;

    private UInt128 _occupied0;                           // level 0: bit s set while slot s holds timers
    private readonly ulong[] _occupiedUpper = new ulong[Levels - 1]; // levels 1..5, at index level - 1
    private readonly int[] _heads = new int[Level0Slots + (Levels - 1) * SlotsPerLevel];
    private readonly int[] _tails = new int[Level0Slots + (Levels - 1) * SlotsPerLevel]; // append at the tail: equal deadlines fire FIFO
    private Entry[] _entries = new Entry[64];
    private int _freeHead = None;
    private int _used;
    private long _elapsed;                                // the wheel's current time, in ms (MonotonicClock.NowMs)
    private long _parkDeadline = NotParked;               // the deadline a parked thread sleeps until
    private readonly List<Waker> _firing = [];            // reused by Advance: wakes happen outside the lock
    private int _advancing;                               // 1 while a thread is in Advance (it owns _firing)
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

    /// <summary>Timers re-filed to a lower level so far: the work of a turn beyond the timers it fires.</summary>
    public long Cascaded { get; private set; }

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

    /// <summary>
    /// The earliest time at which <see cref="Advance"/> has work, or <see cref="long.MaxValue"/> when empty: a timer's
    /// slot, or the early moves of the next level-1 slot (<see cref="WakeTime"/>), so it can be before every deadline.
    /// </summary>
    public long NextDeadline
    {
        get
        {
            lock (_lock) return WakeTime();
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
            _parkDeadline = WakeTime();
            return _parkDeadline;
        }
    }

    /// <summary>The parked thread is back: inserts need not unpark it any more.</summary>
    public void EndPark()
    {
        lock (_lock) _parkDeadline = NotParked;
    }

    /// <summary>
    /// Fires every timer whose deadline is at or before <paramref name="nowMs"/>, in deadline order. Any thread: the
    /// one that holds the driver, or a busy work-stealing worker while another sleeps in the driver. A call that
    /// finds another thread firing returns 0 at once and leaves the turn to it (what is due after that thread's
    /// clock reading fires at the next turn); the next deadline stays due, so no parker sleeps past it.
    /// </summary>
    /// <returns>How many timers fired.</returns>
    public int Advance(long nowMs)
    {
        // One firing thread at a time: _firing is its own until the wakes are out.
        if (Interlocked.CompareExchange(ref _advancing, 1, 0) != 0) return 0;
        try
        {
            return FireExpired(nowMs);
        }
        finally
        {
            Volatile.Write(ref _advancing, 0);
        }
    }

    private int FireExpired(long nowMs)
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
            int head = TakeSlot(level, slot, out int tail);
            for (int index = head; index != None;)
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
                index = next;
            }
            // The rest cascade: closer now, they land lower down, in front of the timers filed there directly, which
            // were filed later (closer to their deadline): so equal deadlines still fire in the order they were
            // inserted. Walked backwards and put first one by one, the batch keeps its own order; Free left the
            // fired entries' Prev links alone.
            for (int index = tail; index != None;)
            {
                ref var entry = ref _entries[index];
                int previous = entry.Prev;
                if (entry.State == EntryState.Waiting)
                {
                    File(index, first: true);
                    Cascaded++;
                }
                index = previous;
            }
        }
        _elapsed = Math.Max(_elapsed, nowMs);
        CascadeNextSlotEarly(EarlyCascadePerTurn);
        return fired;
    }

    /// <summary>
    /// When a parked thread must turn the wheel: the next slot's time, or earlier, the start of the 64 ms before the
    /// next occupied level-1 slot's start, and from then on at once while that slot still holds timers (review G2).
    /// An executor whose timers are all 128 ms away or more turns only when it wakes, so without this it parked to the
    /// slot's start and that one turn re-filed the whole slot (39,375 timers for 40,000 sleeps of 192–255 ms) before
    /// the timers due then fired; now each of its turns moves at most <see cref="EarlyCascadePerTurn"/>, with the I/O
    /// and tasks of the executor polled between them. Waking early fires nothing early: <see cref="Advance"/> fires
    /// only deadlines at or before its clock.
    /// </summary>
    private long WakeTime()
    {
        long wake = TryFindNextSlot(out _, out _, out long slotTime) ? slotTime : long.MaxValue;
        ulong occupied = _occupiedUpper[0];
        if (occupied == 0) return wake;
        long current = _elapsed >> SlotBits;
        int ahead = BitOperations.TrailingZeroCount(BitOperations.RotateRight(occupied, (int)current & (SlotsPerLevel - 1)));
        long windowStart = ((current + ahead) << SlotBits) - (Level0Slots - SlotsPerLevel); // as CascadeNextSlotEarly
        return Math.Min(wake, Math.Max(_elapsed, windowStart));
    }

    /// <summary>
    /// Moves up to <paramref name="budget"/> timers of the next occupied level-1 slot into level 0 once all of its
    /// timers fit there (its start at most 64 ms ahead), so that reaching it re-files what is left, usually nothing.
    /// </summary>
    /// <remarks>Taken from the slot's tail and put first in their level-0 slots, like a cascade: the slot keeps its
    /// order across turns, and its timers, all filed at level 1 because they were due 128 ms or more away, were
    /// inserted before any timer with the same deadline filed in level 0 directly (due less than 128 ms away), so
    /// they stay in front of those: equal deadlines still fire in insertion order.</remarks>
    private void CascadeNextSlotEarly(int budget)
    {
        ulong occupied = _occupiedUpper[0];
        if (occupied == 0) return;
        long current = _elapsed >> SlotBits;
        int ahead = BitOperations.TrailingZeroCount(BitOperations.RotateRight(occupied, (int)current & (SlotsPerLevel - 1)));
        long start = (current + ahead) << SlotBits;
        if (start - _elapsed > Level0Slots - SlotsPerLevel) return; // its last millisecond is 128 ms away or more
        int head = HeadIndex(1, (int)(current + ahead) & (SlotsPerLevel - 1));
        for (int index = _tails[head]; index != None && budget > 0; budget--)
        {
            int previous = _entries[index].Prev;
            Unlink(index);
            File(index, first: true);
            Cascaded++;
            index = previous;
        }
    }

    private void File(int index, bool first = false)
    {
        ref var entry = ref _entries[index];
        // Deadlines beyond the top level's farthest slot are parked there and re-filed when it comes round; deadlines
        // already passed go to the current millisecond's slot, due at the next turn.
        long farthest = ((_elapsed >> TopShift) + SlotsPerLevel - 1) << TopShift;
        long when = Math.Clamp(entry.Deadline, _elapsed, farthest);
        int level = LevelFor(_elapsed, when);
        int slot = level == 0 ? (int)(when & Level0Mask) : (int)(when >> (level * SlotBits)) & (SlotsPerLevel - 1);
        int head = HeadIndex(level, slot);
        entry.Level = (byte)level;
        entry.Slot = (byte)slot;
        if (first)
        {
            entry.Prev = None;
            entry.Next = _heads[head];
            if (entry.Next != None) _entries[entry.Next].Prev = index;
            else _tails[head] = index;
            _heads[head] = index;
        }
        else
        {
            entry.Next = None;
            entry.Prev = _tails[head];
            if (entry.Prev != None) _entries[entry.Prev].Next = index;
            else _heads[head] = index;
            _tails[head] = index;
        }
        if (level == 0) _occupied0 |= UInt128.One << slot;
        else _occupiedUpper[level - 1] |= 1UL << slot;
    }

    /// <summary>Where a slot's list starts in <see cref="_heads"/> and <see cref="_tails"/>: level 0's 128, then 64 a level.</summary>
    private static int HeadIndex(int level, int slot) => level == 0 ? slot : Level0Slots + (level - 1) * SlotsPerLevel + slot;

    private void MarkEmpty(int level, int slot)
    {
        if (level == 0) _occupied0 &= ~(UInt128.One << slot);
        else _occupiedUpper[level - 1] &= ~(1UL << slot);
    }

    private static int LevelFor(long elapsed, long when)
    {
        // Level 0 within 128 ms; else the lowest level where the deadline's slot is fewer than 64 slots ahead of the
        // current one. If that is the current slot of a level L ≥ 1, it was fewer than 64 ahead at level L − 1
        // already (fewer than 128 ms away for L = 1), so it is never chosen.
        if (when - elapsed < Level0Slots) return 0;
        int level = 1;
        while ((when >> (level * SlotBits)) - (elapsed >> (level * SlotBits)) >= SlotsPerLevel) level++;
        Debug.Assert(level < Levels, "Deadlines are clamped to the top level's farthest slot");
        return level;
    }

    private bool TryFindNextSlot(out int level, out int slot, out long slotTime)
    {
        level = slot = 0;
        slotTime = long.MaxValue;
        if (_occupied0 != UInt128.Zero)
        {
            // Level 0's slots ahead in circular order from the current millisecond's.
            int ahead0 = (int)UInt128.TrailingZeroCount(UInt128.RotateRight(_occupied0, (int)(_elapsed & Level0Mask)));
            slotTime = _elapsed + ahead0;
            slot = (int)(slotTime & Level0Mask);
        }
        for (int candidate = 1; candidate < Levels; candidate++)
        {
            ulong occupied = _occupiedUpper[candidate - 1];
            if (occupied == 0) continue;
            int shift = candidate * SlotBits;
            long current = _elapsed >> shift;
            // Slots ahead in circular order from the current one. Above level 0, File never fills the current slot,
            // but the clock can reach an upper slot's start before it is taken (a tie below): it is then due now.
            int ahead = BitOperations.TrailingZeroCount(BitOperations.RotateRight(occupied, (int)current & (SlotsPerLevel - 1)));
            long start = (current + ahead) << shift;
            // On a tie the upper slot goes first, so that its timers due at that time join the lower slot, in front,
            // before that slot fires (see CollectExpired).
            if (start <= slotTime)
            {
                level = candidate;
                slot = (int)(current + ahead) & (SlotsPerLevel - 1);
                slotTime = start;
            }
        }
        return slotTime != long.MaxValue;
    }

    private int TakeSlot(int level, int slot, out int tail)
    {
        int head = HeadIndex(level, slot);
        int index = _heads[head];
        tail = _tails[head];
        _heads[head] = _tails[head] = None;
        MarkEmpty(level, slot);
        return index;
    }

    private void Unlink(int index)
    {
        ref var entry = ref _entries[index];
        int head = HeadIndex(entry.Level, entry.Slot);
        if (entry.Prev != None) _entries[entry.Prev].Next = entry.Next;
        else _heads[head] = entry.Next;
        if (entry.Next != None) _entries[entry.Next].Prev = entry.Prev;
        else _tails[head] = entry.Prev;
        if (_heads[head] == None) MarkEmpty(entry.Level, entry.Slot);
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
