using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsyncGen.Tasks;

/// <summary>
/// A slab of task slots: the target of every <see cref="Waker"/> an executor hands out, and where a task's
/// diagnostic timestamps live while it is alive.
/// </summary>
/// <remarks>
/// <para>A waker holds (table, slot, generation), not the task, so a stale waker keeps nothing alive and waking it
/// after its task completed is a cheap no-op: the slot is empty or holds another task. The generation is the low
/// 32 bits of the task's id, which lives here and not in the task cell (8 bytes fewer in the one allocation of a
/// spawn; a poll reads it from the slot it stamps anyway); two tasks of one slot whose ids are 2^32 apart would only
/// see a spurious wake, which every future tolerates. Slots are added by the
/// table's owner only — its executor's thread, a work-stealing worker (each has a table of its own) or, for spawns
/// from other threads, whoever holds the work-stealing executor's lock — and freed by the owner (<see cref="Remove"/>)
/// or, lock-free, by any thread (<see cref="RemoveFromAnyThread"/>: a task that completed on another worker);
/// <see cref="Wake"/> runs on any thread and reads the slots without a lock.</para>
/// <para>The slots live in pages of 256 that never move: growing adds a page instead of copying the slots into a
/// larger array. So a timestamp written from any thread (a wake on another
/// thread, a poll on another worker) always lands in the one place a dump reads, and <see cref="Wake"/> never meets a
/// slot that was copied away. The timestamps are here and not in the task cell to keep the cell — the one allocation
/// of a spawn, alive until joined — at 88 bytes for a trivial task (issue 14).</para>
/// </remarks>
internal sealed class WakerTable(ITaskScheduler scheduler) : IWakeTarget
{
    /// <summary>
    /// A slot: the task, its id (whose low 32 bits are the generation a wake checks without calling into the task)
    /// and its <see cref="TaskClock"/> stamps; while free, <see cref="Id"/> holds the next free slot instead (24 bytes
    /// a slot). A struct, so storing a task is a plain write: an array of an interface type would run the covariant
    /// array-store check on every spawn.
    /// </summary>
    internal struct Slot
    {
        public ITaskCell? Task;

        /// <summary>The task's id; the next free slot while <see cref="Task"/> is null.</summary>
        public long Id;

        public Stamps Stamps;

        /// <summary>The generation of the task's wakers: its id's low 32 bits.</summary>
        public readonly int Generation => unchecked((int)Id);
    }

    /// <summary>A live task's <see cref="TaskClock"/> offsets: "idle since" in dumps.</summary>
    internal struct Stamps
    {
        /// <summary>The start of its last poll (its spawn, before the first).</summary>
        public int LastPollMs;

        /// <summary>The last wake that scheduled it (its spawn, before any).</summary>
        public int LastWakeMs;
    }

    /// <summary>
    /// Slots per page: 256 (6 KB), the executors' initial queue capacity (<c>LocalQueue.Capacity</c>). A power of two,
    /// so finding a slot is a shift and a mask.
    /// </summary>
    private const int PageShift = 8;
    private const int PageSize = 1 << PageShift;
    private const int PageMask = PageSize - 1;

    // Page p holds slots [p · PageSize, (p + 1) · PageSize). Growing adds a page and, when the directory is full,
    // copies the page references (never the slots) into a directory twice as long. Both are published before the
    // capacity, so a reader that checked the capacity finds the page.
    private Slot[][] _pages = [new Slot[PageSize]];
    private int _freeHead = -1; // a free list threaded through the slots, -1 when empty: the owner's
    private int _used;
    private int _count;         // tasks added minus tasks the owner removed: the owner's
    // Slots freed by other threads (RemoveFromAnyThread): a stack threaded through the slots like the free list, that
    // any thread pushes onto and only the owner empties, all at once (so no ABA: nothing is popped one by one). One
    // word, (slots on it << 32) | top slot (-1: empty), so a push is one CAS and Count stays exact.
    private long _remoteFree = EmptyRemoteFree;
    private const long EmptyRemoteFree = 0xFFFF_FFFFL;
    private int _capacity = PageSize;
    private long _nextId;       // the ids of this table's next tasks: [_nextId, _idLimit) are reserved
    private long _idLimit;

    /// <summary>Task ids reserved at a time: 64, so the shared counter is touched once per 64 spawns.</summary>
    private const int IdBlock = 64;

    /// <summary>The executor that queues the tasks these wakers wake (tasks find it here, not in a field of their own).</summary>
    public ITaskScheduler Scheduler { get; } = scheduler;

    /// <summary>Number of live tasks (any thread: a snapshot).</summary>
    public int Count => Volatile.Read(ref _count) - (int)(Volatile.Read(ref _remoteFree) >> 32);

    /// <summary>Gives <paramref name="task"/> an id and a slot, binds it to the waker that schedules it and stamps its spawn.</summary>
    public void Add(ITaskCell task)
    {
        if (_nextId == _idLimit)
        {
            _nextId = TaskClock.ReserveIds(IdBlock);
            _idLimit = _nextId + IdBlock;
        }
        long id = _nextId++;
        int slot = _freeHead;
        if (slot < 0 && Volatile.Read(ref _remoteFree) != EmptyRemoteFree) slot = TakeRemoteFree();
        if (slot >= 0) _freeHead = (int)SlotAt(slot).Id;
        else
        {
            if (_used == _capacity) Grow();
            slot = _used;
            Volatile.Write(ref _used, slot + 1); // after the page: Snapshot reads slots below it from any thread
        }
        ref var entry = ref SlotAt(slot);
        entry.Id = id;
        entry.Stamps.LastPollMs = entry.Stamps.LastWakeMs = TaskClock.Now();
        task.Bind(new Waker(this, slot, entry.Generation)); // before publishing: nothing can wake it yet
        Volatile.Write(ref entry.Task, task); // publishes the id written above
        _count++;
    }

    /// <summary>
    /// The slots other threads freed, taken all at once (owner, out of free slots): the top one is returned, the rest
    /// become the free list (their links were written before they were pushed).
    /// </summary>
    private int TakeRemoteFree()
    {
        long taken = Interlocked.Exchange(ref _remoteFree, EmptyRemoteFree);
        _count -= (int)(taken >> 32);
        return (int)taken;
    }

    /// <summary>
    /// Frees <paramref name="slot"/>, that of the completed <paramref name="task"/>: its wakers become stale. The
    /// table's owner only.
    /// </summary>
    public void Remove(ITaskCell task, int slot)
    {
        ref var entry = ref Vacate(task, slot);
        // After the task is gone (a release: IdOf never returns this link as an id). A wake that read the task
        // before that sees a wrong generation or a completed task: a no-op either way (see Wake).
        Volatile.Write(ref entry.Id, _freeHead);
        _freeHead = slot;
        _count--;
    }

    /// <summary>
    /// <see cref="Remove"/> from a thread that is not the table's owner (a task spawned on one worker that completed on
    /// another): the slot goes onto a lock-free stack that the owner takes over when it runs out of free slots.
    /// </summary>
    public void RemoveFromAnyThread(ITaskCell task, int slot)
    {
        ref var entry = ref Vacate(task, slot);
        long top = Volatile.Read(ref _remoteFree);
        while (true)
        {
            // The link to the slot below; the CAS (a full fence) publishes it to the owner's Exchange.
            Volatile.Write(ref entry.Id, (int)top);
            long pushed = ((top >> 32) + 1) << 32 | (uint)slot;
            long seen = Interlocked.CompareExchange(ref _remoteFree, pushed, top);
            if (seen == top) return;
            top = seen;
        }
    }

    private ref Slot Vacate(ITaskCell task, int slot)
    {
        ref var entry = ref SlotAt(slot);
        // Checked in release builds too: freeing a slot twice would hand one slot to two later tasks.
        if (!ReferenceEquals(Volatile.Read(ref entry.Task), task))
            throw new InvalidOperationException($"Task '{task.Name}' was released twice.");
        Volatile.Write(ref entry.Task, null);
        return ref entry;
    }

    /// <inheritdoc/>
    public void Wake(int slot, int generation)
    {
        // The capacity is published after its page: below it, the page is there.
        if ((uint)slot >= (uint)Volatile.Read(ref _capacity)) return;
        ref var entry = ref SlotAt(slot);
        // Task first (acquire), then the generation Add wrote before publishing it: a slot reused meanwhile shows
        // the newer generation, and the stale waker is rejected. A task read just before its removal (the id field
        // then holds a free-list link, or a later task's id) is complete: waking it is a no-op.
        var task = Volatile.Read(ref entry.Task);
        if (task is not null && entry.Generation == generation) task.Wake();
    }

    /// <summary>
    /// The slot of a live task, for its poll to stamp and to read its waker's generation from (its executor's polling
    /// thread, while the task runs: it cannot complete and give the slot away meanwhile).
    /// </summary>
    public ref Slot SlotOf(int slot) => ref SlotAt(slot);

    /// <summary>
    /// The generation of the wakers of <paramref name="task"/>, whose slot is <paramref name="slot"/>; null once it
    /// completed and its slot was freed (the slot's generation is then another task's). Any thread, as
    /// <see cref="IdOf"/>.
    /// </summary>
    public int? GenerationOf(int slot, ITaskCell task)
    {
        long id = IdOf(slot, task);
        return id == 0 ? null : unchecked((int)id);
    }

    /// <summary>
    /// The id of <paramref name="task"/>, whose slot is <paramref name="slot"/>; 0 once it completed and its slot was
    /// freed (a finished task is named by the events and reports of its completion, which read the id before). Any
    /// thread.
    /// </summary>
    public long IdOf(int slot, ITaskCell task)
    {
        if ((uint)slot >= (uint)Volatile.Read(ref _capacity)) return 0;
        ref var entry = ref SlotAt(slot);
        // The task seen in the slot before and after the id: a task enters a slot once, so it held the slot (and
        // its id) all along.
        if (!ReferenceEquals(Volatile.Read(ref entry.Task), task)) return 0;
        long id = Volatile.Read(ref entry.Id);
        return ReferenceEquals(Volatile.Read(ref entry.Task), task) ? id : 0;
    }

    /// <summary>
    /// Stamps a wake that scheduled the task in <paramref name="slot"/>; any thread, before the task is queued (so it
    /// cannot have completed and given the slot away).
    /// </summary>
    public void StampWake(int slot) => SlotAt(slot).Stamps.LastWakeMs = TaskClock.Now();

    /// <summary>The <see cref="TaskClock"/> time of the last poll of the live task in <paramref name="slot"/>.</summary>
    public long LastPollMs(int slot) => TaskClock.ToMs(Volatile.Read(ref SlotAt(slot).Stamps.LastPollMs));

    /// <summary>The <see cref="TaskClock"/> time of the last wake of the live task in <paramref name="slot"/>.</summary>
    public long LastWakeMs(int slot) => TaskClock.ToMs(Volatile.Read(ref SlotAt(slot).Stamps.LastWakeMs));

    /// <summary>The live tasks, copied (completing one frees its slot).</summary>
    public List<ITaskCell> Snapshot()
    {
        var live = new List<ITaskCell>(Math.Max(0, Count));
        int used = Volatile.Read(ref _used);
        for (int i = 0; i < used; i++)
        {
            if (Volatile.Read(ref SlotAt(i).Task) is { } task) live.Add(task);
        }
        return live;
    }

    /// <summary>A slot below the capacity (so its page exists).</summary>
    private ref Slot SlotAt(int slot)
    {
        var page = Volatile.Read(ref _pages)[slot >> PageShift];
        // Every page is PageSize long: the masked index needs no bounds check (a poll and a wake each do this).
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(page), slot & PageMask);
    }

    private void Grow()
    {
        if (_capacity > int.MaxValue - PageSize) throw new InvalidOperationException("An executor cannot hold more than 2^31 live tasks.");
        int page = _capacity >> PageShift;
        var pages = _pages;
        if (page == pages.Length)
        {
            Array.Resize(ref pages, pages.Length * 2);
            Volatile.Write(ref _pages, pages);
        }
        Volatile.Write(ref pages[page], new Slot[PageSize]);
        Volatile.Write(ref _capacity, _capacity + PageSize);
    }
}
