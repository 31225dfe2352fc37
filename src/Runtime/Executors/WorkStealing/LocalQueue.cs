using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AsyncGen.Tasks;

namespace AsyncGen.Executors.WorkStealing;

/// <summary>
/// A worker's bounded run queue (tokio's <c>multi_thread/queue.rs</c>): a lock-free ring of 256 slots that only its
/// owner pushes to and pops from, and that other workers steal half of in one claimed batch.
/// </summary>
/// <remarks>
/// <para><b>Indices.</b> <c>_tail</c> (32 bits, wrapping) is written by the owner only. <c>_head</c> packs two 32-bit
/// wrapping positions into one 64-bit word: <c>steal</c> (high half) and <c>real</c> (low half). Slots in
/// <c>[real, tail)</c> are queued tasks; slots in <c>[steal, real)</c> are claimed by a stealer that is still copying
/// them out. When no steal is in progress, <c>steal == real</c>. At most one steal is in progress (a stealer that sees
/// <c>steal != real</c> gives up), and the owner never writes a slot in <c>[steal, steal + 256)</c>.</para>
/// <para><b>Operations.</b> Push (owner): write the slot at <c>tail</c>, then publish <c>tail + 1</c> with a release
/// store. Pop (owner): CAS <c>real</c> (and <c>steal</c> with it when they are equal) one forward, then read the slot.
/// Steal: CAS <c>real</c> forward by half of <c>tail - real</c> (leaving <c>steal</c>) to claim a batch, copy the
/// batch into the thief's own ring, then CAS <c>steal</c> up to <c>real</c> to hand the slots back. Overflow (owner,
/// ring full, no steal in progress): CAS the head up to the tail (claim everything), then put the older half back by
/// advancing the tail 128, and move the newer half plus the new task to the injection queue under one lock.</para>
/// <para><b>Memory ordering</b> (.NET: <see cref="Volatile"/> reads are acquire, writes release; every
/// <see cref="Interlocked"/> operation is a full fence). A slot written by the owner is published by the release store
/// of the tail that covers it; a stealer acquires the tail before reading slots below it, so it sees the task. A
/// stealer's reads of its claimed slots (and its clearing of them) come before the CAS that releases the claim; the
/// owner reads <c>_head</c> with acquire before it reuses a slot, so it cannot overwrite a slot still being read. The
/// owner's own pop reads a slot it wrote itself. Every claim is a CAS on the one head word, so the owner's pop, a
/// steal and an overflow never take the same slot twice.</para>
/// <para>Unlike tokio's, vacated slots are cleared (by whichever thread took them, before it gives them back): a .NET
/// reference left in a slot would keep a finished task alive until the slot is reused.</para>
/// </remarks>
[DebuggerDisplay("LocalQueue ({Count} tasks)")]
internal sealed class LocalQueue
{
    /// <summary>256: tokio's LOCAL_QUEUE_CAPACITY; a power of two so positions wrap with a mask.</summary>
    public const int Capacity = 256;

    /// <summary>Half the ring: the most one steal takes, and what an overflow moves to the injection queue.</summary>
    public const int Half = Capacity / 2;

    private const int Mask = Capacity - 1;

    private readonly ITaskCell?[] _buffer = new ITaskCell?[Capacity];
    private long _head; // Pack(steal, real)
    private uint _tail; // written by the owner only

    /// <summary>Number of queued tasks (not counting a batch being stolen); a snapshot when read by another thread.</summary>
    public int Count
    {
        get
        {
            uint real = Real(Volatile.Read(ref _head));
            return (int)(Volatile.Read(ref _tail) - real);
        }
    }

    /// <summary>True when there is nothing to pop or steal (as of this read).</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Slots the owner can fill before the next push overflows. Owner only.</summary>
    public int RemainingSlots => Capacity - (int)(_tail - Steal(Volatile.Read(ref _head)));

    /// <summary>
    /// Appends <paramref name="task"/> (owner only). When the ring is full, moves its newer half and the task to
    /// <paramref name="overflow"/> in one batch; when it is full because a steal is in progress, only the task (the
    /// stealer is about to free half the ring).
    /// </summary>
    /// <returns>True when this push overflowed to the injection queue.</returns>
    public bool Push(ITaskCell task, InjectionQueue overflow)
    {
        while (true)
        {
            long head = Volatile.Read(ref _head);
            uint tail = _tail;
            if (tail - Steal(head) < Capacity)
            {
                SlotAt(tail) = task;
                Volatile.Write(ref _tail, tail + 1); // publishes the slot to stealers
                return false;
            }
            if (Steal(head) != Real(head))
            {
                overflow.Push(task);
                return true;
            }
            if (TryOverflow(head, tail, task, overflow)) return true;
            // A stealer's claim moved the head between the read and the CAS: there may be room now.
        }
    }

    /// <summary>Takes the oldest task (owner only), or returns false when empty.</summary>
    public bool TryPop(out ITaskCell task)
    {
        long head = Volatile.Read(ref _head);
        while (true)
        {
            uint steal = Steal(head), real = Real(head);
            if (real == _tail)
            {
                task = null!;
                return false;
            }
            // Moving real alone while a stealer holds [steal, real) leaves its claim intact; with no steal in
            // progress both move, so steal == real keeps meaning "no steal".
            long next = steal == real ? Pack(real + 1, real + 1) : Pack(steal, real + 1);
            long seen = Interlocked.CompareExchange(ref _head, next, head);
            if (seen == head)
            {
                ref var slot = ref SlotAt(real);
                task = slot!;
                slot = null;
                return true;
            }
            head = seen; // a stealer claimed a batch first
        }
    }

    /// <summary>
    /// Appends tasks taken from the injection queue (owner only); there must be room
    /// (<see cref="RemainingSlots"/>).
    /// </summary>
    public void PushBatch(ReadOnlySpan<ITaskCell> tasks)
    {
        uint tail = _tail;
        Debug.Assert(tasks.Length <= RemainingSlots);
        foreach (var task in tasks) SlotAt(tail++) = task;
        Volatile.Write(ref _tail, tail);
    }

    /// <summary>
    /// Steals half of this queue's tasks (rounded up) into <paramref name="destination"/>, the calling worker's own
    /// queue, and returns one of them to run now; null when there was nothing to steal, another steal from this queue
    /// was in progress, or <paramref name="destination"/> is more than half full.
    /// </summary>
    /// <param name="destination">The thief's queue: the thief is its owner.</param>
    /// <param name="stolen">How many tasks were taken, including the returned one.</param>
    public ITaskCell? StealInto(LocalQueue destination, out int stolen)
    {
        // Each step below is its own method so that the Coyote tests interleave the owner's and other thieves'
        // operations between them (RingTests): a claim is held across the copy, which is what they probe.
        stolen = 0;
        if (!destination.HasRoomForSteal(out uint destinationTail)) return null;
        long claim = ClaimHalf(out int count);
        if (count == 0) return null;
        MoveClaimed(claim, count, destination, destinationTail);
        ReleaseClaim(claim);
        stolen = count;
        return destination.PublishStolen(destinationTail, count);
    }

    /// <summary>Steal step 1 (thief, on its own queue): room for a whole half? Then where the batch will go.</summary>
    internal bool HasRoomForSteal(out uint tail)
    {
        tail = _tail;
        // Room for Half more whatever happens: a steal takes at most Half, and stealers from this queue only free slots.
        return tail - Steal(Volatile.Read(ref _head)) <= Capacity - Half;
    }

    /// <summary>
    /// Steal step 2 (thief, on the victim): claims half the queued tasks by moving <c>real</c> past them; returns the
    /// head word it installed (its <c>steal</c> half is where the batch starts) and the batch size in
    /// <paramref name="count"/> (0: nothing claimed).
    /// </summary>
    internal long ClaimHalf(out int count)
    {
        long head = Volatile.Read(ref _head);
        while (true)
        {
            uint steal = Steal(head), real = Real(head);
            if (steal != real)
            {
                count = 0; // another thief is copying a batch out: leave this queue to it
                return 0;
            }
            // The tail is read after the head: it can only be newer, so tail - real counts tasks that exist. A stale
            // head with a much newer tail (an overflow in between) would over-count, but then the CAS below fails.
            uint available = Volatile.Read(ref _tail) - real;
            uint take = available - available / 2;
            if (take == 0)
            {
                count = 0;
                return 0;
            }
            long claimed = Pack(steal, real + take);
            long seen = Interlocked.CompareExchange(ref _head, claimed, head);
            if (seen == head)
            {
                Debug.Assert(take <= Half);
                count = (int)take;
                return claimed;
            }
            head = seen;
        }
    }

    /// <summary>
    /// Steal step 3 (thief): copies the claimed batch into <paramref name="destination"/>'s free slots from
    /// <paramref name="destinationTail"/> on (not yet published), clearing the victim's slots.
    /// </summary>
    internal void MoveClaimed(long claim, int count, LocalQueue destination, uint destinationTail)
    {
        uint first = Steal(claim);
        for (int i = 0; i < count; i++)
        {
            ref var slot = ref SlotAt(first + (uint)i);
            destination.SlotAt(destinationTail + (uint)i) = slot;
            slot = null;
        }
    }

    /// <summary>Steal step 4 (thief, on the victim): hands the claimed slots back by moving <c>steal</c> up to <c>real</c>.</summary>
    internal void ReleaseClaim(long claim)
    {
        long head = claim;
        while (true)
        {
            // The owner may have popped meanwhile (real moved on); steal is still ours to move.
            long seen = Interlocked.CompareExchange(ref _head, Pack(Real(head), Real(head)), head);
            if (seen == head) return;
            Debug.Assert(Steal(seen) == Steal(claim), "only the thief that claimed moves steal");
            head = seen;
        }
    }

    /// <summary>
    /// Steal step 5 (thief, on its own queue): publishes all but the last copied task to its own stealers and returns
    /// that last one, to be run at once.
    /// </summary>
    internal ITaskCell PublishStolen(uint tail, int count)
    {
        uint last = tail + (uint)count - 1;
        ref var slot = ref SlotAt(last);
        var task = slot!;
        slot = null;
        if (count > 1) Volatile.Write(ref _tail, last);
        return task;
    }

    private bool TryOverflow(long head, uint tail, ITaskCell task, InjectionQueue overflow)
    {
        uint real = Real(head);
        Debug.Assert(tail - real == Capacity);
        // Claim every slot (no stealer can start on them), then give the older half back: it stays local, and the
        // newer half goes to the injection queue. Tokio moves the newer half for a reason worth keeping: tasks taken
        // from the injection queue land in the older half, so a task is never bounced straight back to it.
        if (Interlocked.CompareExchange(ref _head, Pack(tail, tail), head) != head) return false;
        Volatile.Write(ref _tail, tail + Half); // [tail, tail + Half) are the slots of [real, real + Half)
        int start = (int)((real + Half) & Mask);
        var ring = _buffer.AsSpan();
        int firstLength = Math.Min(Half, Capacity - start);
        overflow.PushOverflow(ring.Slice(start, firstLength), ring[..(Half - firstLength)], task);
        return true;
    }

    /// <summary>
    /// The slot of a ring position: masked, so no bounds check, and written through a reference, so no covariance
    /// check: a store into an array of an interface type (<c>_buffer[i] = task</c>) runs the runtime's array-store type
    /// check every time (<c>StelemRef</c>, 6 % of spawn_join's samples on two workers, 2026-11-28).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ITaskCell? SlotAt(uint position) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), (int)(position & Mask));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Pack(uint steal, uint real) => (long)(((ulong)steal << 32) | real);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Steal(long head) => (uint)((ulong)head >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Real(long head) => (uint)head;
}
