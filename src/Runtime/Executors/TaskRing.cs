using System.Diagnostics;
using System.Runtime.CompilerServices;
using AsyncGen.Tasks;

namespace AsyncGen.Executors;

/// <summary>
/// A first-in first-out ring of tasks owned by one thread: a <see cref="LocalExecutor"/>'s ready and driver queues.
/// </summary>
/// <remarks>
/// What <see cref="Queue{T}"/> of <see cref="ITaskCell"/> did, minus two costs that showed in the spawn_join profile
/// (issue 14): every store into an array whose element type is an interface goes through the covariant array-store
/// check (<c>StelemRef_Helper</c>, ≈ 3 % of spawn_join), and Queue bumps a version per operation. Entries wrap the
/// task in a struct, whose array stores are plain writes with the GC's write barrier. The capacity is a power of two
/// (indices wrap with a mask) and only grows: a burst of 100k spawns allocates nothing once the ring has seen one.
/// </remarks>
internal sealed class TaskRing
{
    private struct Entry
    {
        public ITaskCell? Task;
    }

    private Entry[] _entries;
    private int _head;  // next to dequeue, masked
    private int _count;

    /// <param name="capacity">A power of two.</param>
    public TaskRing(int capacity)
    {
        Debug.Assert(capacity > 0 && (capacity & (capacity - 1)) == 0, "The capacity is a power of two (indices wrap with a mask)");
        _entries = new Entry[capacity];
    }

    /// <summary>Queued tasks. Read from other threads by the metrics' gauges: a snapshot.</summary>
    public int Count => Volatile.Read(ref _count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue(ITaskCell task)
    {
        var entries = _entries;
        if (_count == entries.Length)
        {
            Grow();
            entries = _entries;
        }
        entries[(_head + _count) & (entries.Length - 1)].Task = task;
        _count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue(out ITaskCell task)
    {
        if (_count == 0)
        {
            task = null!;
            return false;
        }
        ref var entry = ref _entries[_head];
        task = entry.Task!;
        entry.Task = null; // a completed task must not stay reachable from the ring
        _head = (_head + 1) & (_entries.Length - 1);
        _count--;
        return true;
    }

    private void Grow()
    {
        var grown = new Entry[_entries.Length * 2];
        // Unwrap: the queued tasks go to the start of the new array, in order.
        int firstPart = _entries.Length - _head;
        Array.Copy(_entries, _head, grown, 0, firstPart);
        Array.Copy(_entries, 0, grown, firstPart, _head);
        _entries = grown;
        _head = 0;
    }
}
