using System.Collections.Concurrent;
using System.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen.Executors.WorkStealing;

/// <summary>
/// A worker's bounded run queue: its owner pushes and pops, idle workers steal half of it.
/// </summary>
/// <remarks>
/// A ring buffer under a lock rather than tokio's lock-free queue: the owner's operations are uncontended
/// (a few nanoseconds) and stealing is rare, so the lock buys obvious correctness for little cost. A steal copies
/// the stolen tasks into the thief's scratch array and releases the victim before touching its own queue, so no
/// thread ever holds two queue locks (two workers stealing from each other cannot deadlock).
/// </remarks>
[DebuggerDisplay("LocalQueue ({Count} tasks)")]
internal sealed class LocalQueue
{
    /// <summary>256: tokio's local queue capacity; a power of two so indices wrap with a mask.</summary>
    public const int Capacity = 256;

    private readonly ITaskCell?[] _ring = new ITaskCell?[Capacity];
    private readonly Lock _lock = new();
    private int _head;
    private int _count;

    /// <summary>Approximate size, read without the lock (exact for the owner between its own operations).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Appends <paramref name="task"/>; when full, first moves half of the queue to <paramref name="overflow"/>.</summary>
    public void Push(ITaskCell task, ConcurrentQueue<ITaskCell> overflow)
    {
        lock (_lock)
        {
            if (_count == Capacity)
            {
                // Half, not one: a burst that filled the queue will likely continue, so make room for it at once.
                for (int i = 0; i < Capacity / 2; i++) overflow.Enqueue(TakeHead());
            }
            _ring[(_head + _count) & (Capacity - 1)] = task;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Takes the oldest task.</summary>
    public bool TryPop(out ITaskCell task)
    {
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

    /// <summary>Moves half of the tasks (rounded up) into <paramref name="scratch"/>; returns how many.</summary>
    public int StealHalf(ITaskCell[] scratch)
    {
        Debug.Assert(scratch.Length >= Capacity / 2);
        lock (_lock)
        {
            int stolen = (_count + 1) / 2;
            for (int i = 0; i < stolen; i++) scratch[i] = TakeHead();
            return stolen;
        }
    }

    private ITaskCell TakeHead()
    {
        Debug.Assert(_lock.IsHeldByCurrentThread && _count > 0);
        var task = _ring[_head]!;
        _ring[_head] = null;
        _head = (_head + 1) & (Capacity - 1);
        Volatile.Write(ref _count, _count - 1);
        return task;
    }
}
