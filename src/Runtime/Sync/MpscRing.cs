using System.Diagnostics;
using System.Numerics;

namespace AsyncGen.Sync;

/// <summary>
/// The item buffer of a bounded channel: a fixed ring of slots that any number of senders fill and one receiver
/// empties, without a lock. It never checks for room: the channel's capacity semaphore does (see below).
/// </summary>
/// <remarks>
/// <para><b>Sending</b> is two steps: <see cref="Claim"/> takes the next position with one interlocked increment of
/// the tail (the order of claims is the order of delivery), then <see cref="Publish"/> writes the item and raises
/// the slot's full flag with a release store. <b>Receiving</b> (<see cref="TryDequeue"/>, one consumer) reads the
/// head slot's flag with an acquire load: clear means empty <i>or a sender between its claim and its publish</i>,
/// and the receiver treats both as empty (it never spins on a sender that was preempted); that sender's publish is
/// followed by a wake of the receiver, which then finds the item (tokio's block list does the same).</para>
/// <para><b>Why a claimed slot is always free.</b> A sender claims only while it holds one of the channel's
/// <c>capacity</c> permits, and the receiver returns a permit (an interlocked operation on the semaphore's word)
/// only after it has emptied the slot. Suppose position <c>p</c>'s claim came before the permit of position
/// <c>p - Size</c> was returned. The receiver returns permits in position order, so the <c>Size + 1 &gt; capacity</c>
/// positions <c>p - Size … p</c> would all hold a permit at that moment, more than exist. So the slot's previous
/// item was taken, and its permit returned, before the claim; interlocked operations are totally ordered and full
/// fences, so the sender also sees the slot emptied. (<c>Debug.Assert</c> checks it.)</para>
/// <para>Positions are <c>uint</c> and wrap; <see cref="Size"/> is a power of two, so <c>position &amp; mask</c> stays
/// continuous across the wrap.</para>
/// </remarks>
[DebuggerDisplay("MpscRing ({Count} of {Size})")]
internal sealed class MpscRing<T>
{
    private readonly Slot[] _slots;
    private readonly uint _mask;
    private int _tail;   // the next position to claim (interlocked: many senders)
    private uint _head;  // the next position to take (the receiver's alone)

    public MpscRing(int capacity)
    {
        Debug.Assert(capacity > 0);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)capacity); // a mask instead of a division per item
        _slots = new Slot[size];
        _mask = (uint)size - 1;
    }

    /// <summary>Slots in the ring: the capacity rounded up to a power of two.</summary>
    public int Size => _slots.Length;

    /// <summary>Claimed positions not yet taken, including ones being written (a snapshot).</summary>
    public int Count => (int)((uint)Volatile.Read(ref _tail) - Volatile.Read(ref _head));

    /// <summary>Takes the next position; the caller holds a permit of the channel's capacity and must publish to it.</summary>
    public uint Claim() => (uint)Interlocked.Increment(ref _tail) - 1;

    /// <summary>Writes <paramref name="item"/> at a claimed position and makes it visible to the receiver.</summary>
    public void Publish(uint position, T item)
    {
        ref var slot = ref _slots[position & _mask];
        Debug.Assert(Volatile.Read(ref slot.Full) == 0, "a sender claimed a slot the receiver has not emptied (more senders than permits)");
        slot.Item = item;
        Volatile.Write(ref slot.Full, 1);
    }

    /// <summary>Takes the item at the head if it is published. Receiver only.</summary>
    public bool TryDequeue(out T item)
    {
        ref var slot = ref _slots[_head & _mask];
        if (Volatile.Read(ref slot.Full) == 0)
        {
            item = default!;
            return false;
        }
        item = slot.Item;
        slot.Item = default!; // the ring keeps no reference to a received item
        Volatile.Write(ref slot.Full, 0);
        Volatile.Write(ref _head, _head + 1);
        return true;
    }

    private struct Slot
    {
        public T Item;
        public int Full; // 1 from Publish until the receiver takes the item
    }
}
