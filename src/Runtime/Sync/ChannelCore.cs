using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The state shared by every sender and the receiver of one <see cref="AsyncChannel"/>.</summary>
/// <remarks>
/// <para><b>Room.</b> A bounded channel's capacity is a <see cref="BatchSemaphore"/>: a sender takes a permit,
/// then enqueues; the receiver returns the permit when it dequeues. So <c>items + reserved permits ≤ capacity</c>,
/// the item queue never grows past its initial size, and waiting senders inherit the semaphore's FIFO fairness
/// and cancel safety. Closing the channel closes the semaphore, which fails every waiting sender.</para>
/// <para><b>The receiver</b> is a single waker slot (single consumer): <see cref="_receiverRegistered"/> marks
/// that a pending <see cref="ReceiveFuture{T}"/> owns it, and a second concurrent receive is rejected.</para>
/// <para>Lock order: the channel lock is never held while calling into the semaphore, so the two never nest.</para>
/// </remarks>
[DebuggerDisplay("AsyncChannel ({Count} items{(_closed ? \", closed\" : \"\"),nq})")]
internal sealed class ChannelCore<T>
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _items;
    private readonly int _capacity;
    private bool _closed;
    private bool _receiverRegistered;
    private Waker _receiver;
    private int _senders = 1; // live ChannelSender handles: the last one disposed closes the channel

    /// <summary>An enumerator returned by a finished <c>await foreach</c>, reused by the next one (single consumer).</summary>
    internal ChannelReceiveEnumerator<T>? CachedEnumerator;

    public ChannelCore(int? capacity)
    {
        _items = new Queue<T>(capacity ?? 0);
        _capacity = capacity ?? int.MaxValue;
        if (capacity is int bounded) Room = new BatchSemaphore(bounded);
    }

    /// <summary>The capacity permits of a bounded channel; null when unbounded.</summary>
    public BatchSemaphore? Room { get; }

    public int Count
    {
        get
        {
            lock (_lock) return _items.Count;
        }
    }

    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>Live sender handles (a snapshot).</summary>
    public int SenderCount => Volatile.Read(ref _senders);

    /// <summary>A sender handle was cloned.</summary>
    public void AddSender() => Interlocked.Increment(ref _senders);

    /// <summary>A sender handle was disposed: the last one closes the channel (tokio's drop of the last Sender).</summary>
    public void ReleaseSender()
    {
        if (Interlocked.Decrement(ref _senders) == 0) Close();
    }

    public bool TrySend(T item)
    {
        if (Room is not null && !Room.TryAcquire(1)) return false;
        return Enqueue(item);
    }

    /// <summary>Adds <paramref name="item"/>; a bounded channel's caller holds one permit of <see cref="Room"/>.</summary>
    public bool Enqueue(T item)
    {
        Waker receiver = default;
        bool accepted;
        lock (_lock)
        {
            AssertInvariant();
            Debug.Assert(_items.Count < _capacity, "a sender held a permit but the buffer is full");
            accepted = !_closed;
            if (accepted)
            {
                _items.Enqueue(item);
                receiver = _receiver;
                _receiver = default;
            }
        }
        if (accepted)
        {
            if (EventsEnabled) AsyncGenEventSource.Log.ChannelSent(RuntimeHelpers.GetHashCode(this), Count);
            receiver.Wake();
        }
        else Room?.Release(1); // the permit reserved room for an item that will never come
        return accepted;
    }

    public bool TryReceive(out T item)
    {
        bool received;
        lock (_lock) received = _items.TryDequeue(out item!);
        if (received) Room?.Release(1);
        return received;
    }

    public Poll<ReceiveResult<T>> PollReceive(ref bool registered, in Waker waker)
    {
        T item;
        lock (_lock)
        {
            AssertInvariant();
            Debug.Assert(!registered || _receiverRegistered, "a registered receive lost its registration");
            if (!_items.TryDequeue(out item!))
            {
                if (_closed)
                {
                    Unregister(ref registered);
                    return Poll<ReceiveResult<T>>.Ready(ReceiveResult<T>.Closed);
                }
                if (!registered)
                {
                    if (_receiverRegistered)
                        throw new InvalidOperationException("Two receives are pending on one channel: it has a single consumer.");
                    _receiverRegistered = registered = true;
                }
                // A sender enqueuing after our empty check takes this waker under the same lock: no lost wake-up.
                if (!_receiver.WillWake(waker)) _receiver = waker;
                if (EventsEnabled) AsyncGenEventSource.Log.ChannelReceiverWaiting(RuntimeHelpers.GetHashCode(this));
                return Poll<ReceiveResult<T>>.Pending;
            }
            Unregister(ref registered);
        }
        Room?.Release(1);
        if (EventsEnabled) AsyncGenEventSource.Log.ChannelReceived(RuntimeHelpers.GetHashCode(this), Count);
        return Poll<ReceiveResult<T>>.Ready(ReceiveResult<T>.Received(item));
    }

    public void CancelReceive(ref bool registered)
    {
        if (!registered) return;
        lock (_lock) Unregister(ref registered);
    }

    public void Close()
    {
        Waker receiver;
        lock (_lock)
        {
            AssertInvariant();
            _closed = true;
            receiver = _receiver;
            _receiver = default;
        }
        Room?.Close();
        if (EventsEnabled) AsyncGenEventSource.Log.ChannelClosed(RuntimeHelpers.GetHashCode(this));
        receiver.Wake();
    }

    // Channel events identify the channel by its identity hash: stable, unique enough, allocation-free.
    private static bool EventsEnabled => AsyncGenEventSource.Log.IsEnabled(EventLevel.Verbose, AsyncGenEventSource.Keywords.Channels);

    // The receiver's waker is kept only for a registered receive on an open channel.
    [Conditional("DEBUG")]
    private void AssertInvariant()
    {
        Debug.Assert(_receiver.IsNoop || (_receiverRegistered && !_closed), "a receiver waker is kept with no receive to wake");
        Debug.Assert(_items.Count <= _capacity, "more items than capacity");
    }

    private void Unregister(ref bool registered)
    {
        if (!registered) return;
        registered = _receiverRegistered = false;
        _receiver = default;
    }
}
