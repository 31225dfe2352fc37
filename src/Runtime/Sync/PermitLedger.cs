using System.Diagnostics;
using System.Numerics;

namespace AsyncGen.Sync;

/// <summary>
/// The outstanding <see cref="SemaphorePermit"/>s of one <see cref="AsyncSemaphore"/> beyond its inline ticket (see
/// <see cref="PermitTickets"/>): each acquisition takes a slot and the slot's generation, and only the first disposal
/// of a permit with that (slot, generation) retires it, so a permit disposed twice, or a copy of one that was already
/// disposed, gives nothing back a second time.
/// </summary>
/// <remarks>
/// <para>Allocation-free once warm: the slots live in chunks that are never moved or freed (a CAS on a slot of a
/// chunk must never land in an array that was copied away), and the directory of chunks grows when every slot is
/// taken. Chunk k holds <see cref="FirstChunkSize"/> &lt;&lt; k slots, so a ledger starts small (most semaphores
/// that need one have a few holders at once) and a large peak costs O(log n) growths. The ledger holds as many slots
/// as the most permits ever held at once (rounded up to a chunk), and keeps them: 8 bytes each.</para>
/// <para><b>A slot's generation</b> only grows, by one per retirement: a permit carries the value it had when
/// issued, and retiring is the compare-and-swap from that value to the next, which exactly one disposal can win. A
/// stale copy would match again only after 2^32 reuses of its slot.</para>
/// <para><b>Free slots</b> form a lock-free stack (Treiber's) threaded through <see cref="Slot.Next"/>. Its head
/// packs a tag above the index, bumped by every push and pop, so a pop that read a head, was delayed while that slot
/// was popped and pushed back, and then retries its CAS fails instead of installing a stale next (the ABA problem).</para>
/// </remarks>
[DebuggerDisplay("PermitLedger ({Capacity} slots)")]
internal sealed class PermitLedger
{
    /// <summary>
    /// 4 slots of 8 bytes in the first chunk: the ledger exists only once two permits are held at once, and a few
    /// holders is the common case; each following chunk doubles.
    /// </summary>
    private const int FirstChunkShift = 2;
    private const int FirstChunkSize = 1 << FirstChunkShift;

    private struct Slot
    {
        /// <summary>Bumped by each retirement (see the remarks on <see cref="PermitLedger"/>).</summary>
        public int Generation;

        /// <summary>While free: the next free slot's index + 1 (0 ends the stack).</summary>
        public int Next;
    }

    private Slot[][] _chunks = [];
    private long _free; // tag << 32 | (top slot's index + 1); index part 0: no free slot

    private int Capacity => FirstIndexOf(Volatile.Read(ref _chunks).Length);

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

    // Adds a chunk and pushes all of its slots in one CAS. The directory is swapped by a CAS, so of two threads that
    // found the stack empty at once one adds the chunk and the other drops its copy. One that comes back before the
    // winner pushed the new slots finds the stack still empty and adds the next chunk too: an extra chunk in a rare
    // race, traded for taking no lock (a Lock object would cost 24+ bytes per ledger).
    private void Grow()
    {
        if ((int)Volatile.Read(ref _free) != 0) return; // slots were retired or added since the caller looked
        var chunks = Volatile.Read(ref _chunks);
        int k = chunks.Length;
        var chunk = new Slot[FirstChunkSize << k];
        int first = FirstIndexOf(k);
        for (int i = 0; i < chunk.Length - 1; i++) chunk[i].Next = first + i + 2; // index + 1 of the following slot
        // Published before any of its indices can be popped: a thread that pops one (a CAS on _free, after the pushes
        // below) reads this directory or a later one.
        if (Interlocked.CompareExchange(ref _chunks, [.. chunks, chunk], chunks) != chunks) return;
        long head = Volatile.Read(ref _free);
        while (true)
        {
            chunk[^1].Next = (int)head; // slots retired since the stack was found empty stay reachable
            long seen = Interlocked.CompareExchange(ref _free, NextTag(head) | (uint)(first + 1), head);
            if (seen == head) return;
            head = seen;
        }
    }

    /// <summary>The index of the first slot of chunk <paramref name="k"/>: the sizes of the chunks before it add up to 4(2^k − 1).</summary>
    private static int FirstIndexOf(int k) => FirstChunkSize * ((1 << k) - 1);

    private ref Slot SlotAt(int index)
    {
        // Slot i is in chunk k = log2(i/4 + 1): chunk k covers [4(2^k − 1), 4(2^(k+1) − 1)).
        int k = BitOperations.Log2((uint)(index >> FirstChunkShift) + 1);
        return ref Volatile.Read(ref _chunks)[k][index - FirstIndexOf(k)];
    }

    private static long NextTag(long head) => ((head >>> 32) + 1) << 32;
}
