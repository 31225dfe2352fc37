using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AsyncGen.Tasks;

namespace AsyncGen.Executors.WorkStealing;

/// <summary>
/// The executor's shared run queue (tokio's <c>inject</c>): tasks woken or spawned off the workers, and the halves
/// that full local queues overflow. Unbounded, FIFO, one lock.
/// </summary>
/// <remarks>
/// A lock, as tokio's inject queue has one: it is touched once per remote wake, once per overflow (a whole batch under
/// one acquisition, <see cref="PushOverflow"/>) and once per refill of a worker's local queue (<see cref="PopBatch"/>),
/// not once per task a worker runs. The count is mirrored in a volatile field so that the idle checks
/// (<see cref="IsEmpty"/>) never take the lock. The buffer only grows (doubling), so a steady state allocates nothing.
/// </remarks>
[DebuggerDisplay("InjectionQueue ({Count} tasks)")]
internal sealed class InjectionQueue
{
    /// <summary>256: one local queue's worth, so the first overflow (128 + 1 tasks) fits without growing.</summary>
    private const int InitialCapacity = 256;

    private readonly Lock _lock = new();
    private ITaskCell?[] _buffer = new ITaskCell?[InitialCapacity]; // a power of two, indices wrap with a mask
    private int _head;
    private volatile int _count; // written under _lock; read without it by IsEmpty/Count

    /// <summary>Approximate size, read without the lock.</summary>
    public int Count => _count;

    /// <summary>True when there is (as of this read) nothing to take. Lock-free.</summary>
    public bool IsEmpty => _count == 0;

    /// <summary>Appends one task. Thread-safe.</summary>
    public void Push(ITaskCell task)
    {
        lock (_lock)
        {
            EnsureRoom(1);
            SlotAt(_head + _count) = task;
            _count++;
        }
    }

    /// <summary>
    /// Appends the tasks a full local queue gives up — <paramref name="first"/>, then <paramref name="second"/> (the two
    /// pieces of a wrapped ring range), then <paramref name="last"/> — under one lock acquisition, clearing the source
    /// slots. Thread-safe.
    /// </summary>
    public void PushOverflow(Span<ITaskCell?> first, Span<ITaskCell?> second, ITaskCell last)
    {
        lock (_lock)
        {
            EnsureRoom(first.Length + second.Length + 1);
            Append(first);
            Append(second);
            SlotAt(_head + _count) = last;
            _count++;
        }
    }

    /// <summary>Takes the oldest task, or returns false when empty. Thread-safe.</summary>
    public bool TryPop(out ITaskCell task)
    {
        if (IsEmpty)
        {
            task = null!;
            return false;
        }
        lock (_lock)
        {
            if (_count == 0)
            {
                task = null!;
                return false;
            }
            task = TakeHead();
            return true;
        }
    }

    /// <summary>
    /// Takes up to <paramref name="destination"/>.Length of the oldest tasks into <paramref name="destination"/> under
    /// one lock acquisition; returns how many. Thread-safe.
    /// </summary>
    public int PopBatch(Span<ITaskCell> destination)
    {
        if (IsEmpty) return 0;
        lock (_lock)
        {
            int taken = Math.Min(destination.Length, _count);
            for (int i = 0; i < taken; i++) destination[i] = TakeHead();
            return taken;
        }
    }

    private void Append(Span<ITaskCell?> tasks)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread);
        for (int i = 0; i < tasks.Length; i++)
        {
            SlotAt(_head + _count + i) = tasks[i];
            tasks[i] = null; // the ring's slot no longer owns the task: do not keep it alive from there
        }
        _count += tasks.Length;
    }

    private ITaskCell TakeHead()
    {
        Debug.Assert(_lock.IsHeldByCurrentThread && _count > 0);
        ref var slot = ref SlotAt(_head);
        var task = slot!;
        slot = null;
        _head = (_head + 1) & (_buffer.Length - 1);
        _count--;
        return task;
    }

    /// <summary>
    /// The slot of a position (masked by the capacity, a power of two), written through a reference: a store into an
    /// array of an interface type runs the runtime's array-store type check every time (see <c>LocalQueue.SlotAt</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ITaskCell? SlotAt(int position) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), position & (_buffer.Length - 1));

    private void EnsureRoom(int extra)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread);
        if (_count + extra <= _buffer.Length) return;
        int capacity = _buffer.Length;
        while (capacity < _count + extra) capacity *= 2;
        var grown = new ITaskCell?[capacity];
        int mask = _buffer.Length - 1;
        for (int i = 0; i < _count; i++) grown[i] = _buffer[(_head + i) & mask];
        _buffer = grown;
        _head = 0;
    }
}
