using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// The outstanding <see cref="SemaphorePermit"/>s of one <see cref="AsyncSemaphore"/>: each acquisition takes a slot
/// and the slot's generation, and only the first disposal of a permit with that (slot, generation) retires it, so a
/// permit disposed twice, or a copy of one that was already disposed, gives nothing back a second time.
/// </summary>
/// <remarks>
/// <para>Allocation-free once warm: the slots live in chunks that are never moved or freed (a CAS on a slot of a
/// chunk must never land in an array that was copied away), and the directory of chunks grows under a lock when
/// every slot is taken. So the ledger holds as many slots as the most permits ever held at once.</para>
/// <para><b>A slot's generation</b> only grows, by one per retirement: a permit carries the value it had when
/// issued, and retiring is the compare-and-swap from that value to the next, which exactly one disposal can win. A
/// stale copy would match again only after 2^32 reuses of its slot.</para>
/// <para><b>Free slots</b> form a lock-free stack (Treiber's) threaded through <see cref="Slot.Next"/>. Its head
/// packs a tag above the index, bumped by every push and pop, so a pop that read a head, was delayed while that slot
/// was popped and pushed back, and then retries its CAS fails instead of installing a stale next (the ABA problem).</para>
/// </remarks>
[DebuggerDisplay("PermitLedger ({_chunks.Length * ChunkSize} slots)")]
internal sealed class PermitLedger
{
    /// <summary>32 slots of 8 bytes: a 256-byte chunk, enough for the holders of a typical semaphore in one allocation.</summary>
    private const int ChunkShift = 5;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private struct Slot
    {
        /// <summary>Bumped by each retirement (see the remarks on <see cref="PermitLedger"/>).</summary>
        public int Generation;

        /// <summary>While free: the next free slot's index + 1 (0 ends the stack).</summary>
        public int Next;
    }

    private readonly Lock _growLock = new();
    private Slot[][] _chunks = [];
    private long _free; // tag << 32 | (top slot's index + 1); index part 0: no free slot

    /// <summary>Takes a free slot (growing the ledger when there is none) for a permit being handed out.</summary>
    public void Issue(out int slot, out int generation)
    {
        long head = Volatile.Read(ref _free);
        while (true)
        {
            int top = (int)head;
            if (top == 0)
            {
                Grow();
                head = Volatile.Read(ref _free);
                continue;
            }
            // Another thread may pop this slot meanwhile and make Next stale: the tag in the head then differs, and
            // the CAS below fails.
            ref Slot candidate = ref SlotAt(top - 1);
            int next = Volatile.Read(ref candidate.Next);
            long seen = Interlocked.CompareExchange(ref _free, NextTag(head) | (uint)next, head);
            if (seen == head)
            {
                slot = top - 1;
                generation = Volatile.Read(ref candidate.Generation); // ours alone now: only a retirement changes it
                return;
            }
            head = seen;
        }
    }

    /// <summary>
    /// Retires the permit issued as (<paramref name="slot"/>, <paramref name="generation"/>): true for its first
    /// disposal, false for any later one (of it or of a copy), whichever thread gets there first.
    /// </summary>
    public bool Retire(int slot, int generation)
    {
        ref Slot retired = ref SlotAt(slot);
        if (Interlocked.CompareExchange(ref retired.Generation, unchecked(generation + 1), generation) != generation) return false;
        Push(ref retired, slot);
        return true;
    }

    /// <summary>True while the permit issued as (<paramref name="slot"/>, <paramref name="generation"/>) is not retired.</summary>
    public bool IsOutstanding(int slot, int generation) => Volatile.Read(ref SlotAt(slot).Generation) == generation;

    private void Push(ref Slot slot, int index)
    {
        long head = Volatile.Read(ref _free);
        while (true)
        {
            slot.Next = (int)head;
            long seen = Interlocked.CompareExchange(ref _free, NextTag(head) | (uint)(index + 1), head);
            if (seen == head) return;
            head = seen;
        }
    }

    // Adds a chunk and pushes all of its slots in one CAS. Under a lock so that two threads finding the stack empty
    // at once add one chunk, not two; a thread that took the lock second finds free slots again and adds none.
    private void Grow()
    {
        lock (_growLock)
        {
            if ((int)Volatile.Read(ref _free) != 0) return;
            var chunks = _chunks;
            var chunk = new Slot[ChunkSize];
            int first = chunks.Length << ChunkShift;
            for (int i = 0; i < ChunkSize - 1; i++) chunk[i].Next = first + i + 2; // index + 1 of the following slot
            // Published before any of its indices can be popped: a thread that pops one (a CAS on _free, after the
            // pushes below) reads this directory or a later one.
            Volatile.Write(ref _chunks, [.. chunks, chunk]);
            long head = Volatile.Read(ref _free);
            while (true)
            {
                chunk[ChunkSize - 1].Next = (int)head; // slots retired since the check above stay reachable
                long seen = Interlocked.CompareExchange(ref _free, NextTag(head) | (uint)(first + 1), head);
                if (seen == head) return;
                head = seen;
            }
        }
    }

    private ref Slot SlotAt(int index) => ref Volatile.Read(ref _chunks)[index >> ChunkShift][index & ChunkMask];

    private static long NextTag(long head) => ((head >>> 32) + 1) << 32;
}
