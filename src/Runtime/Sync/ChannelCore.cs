using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The state shared by every sender and the receiver of one <see cref="AsyncChannel"/>.</summary>
/// <remarks>
/// <para><b>No lock on the way of an item</b> (tokio's bounded <c>mpsc</c>: an atomic semaphore, a lock-free list,
/// an <c>AtomicWaker</c>). A bounded send takes a permit of <see cref="Room"/> (one CAS, or a FIFO wait when the
/// channel is full), claims and fills a slot of the <see cref="MpscRing{T}"/>, and wakes the receiver through its
/// <see cref="AtomicWaker"/>; the receive takes the item and returns the permit (one CAS when no sender waits). So
/// <c>items + reserved permits ≤ capacity</c>, the ring never overflows, and waiting senders inherit the
/// semaphore's FIFO fairness and cancel safety. An unbounded channel keeps its items in a
/// <see cref="ConcurrentQueue{T}"/> and counts them in <see cref="_unbounded"/> in place of permits.</para>
/// <para><b>Closing.</b> A sender that holds a permit (or, unbounded, was counted) before the close always delivers
/// its item: its send is ordered before the close. So the receiver reports Closed only when the channel is closed
/// <i>and drained</i> — empty and no permit held (<see cref="BatchSemaphore.IsClosedWithFree"/>), or a count of
/// zero — read in the same load as the closed bit, after which no send can start. Whoever returns the last permit
/// after a close (a send disposed with room granted) wakes the receiver.</para>
/// <para><b>The receiver</b> is a single consumer: <see cref="_receiverRegistered"/> (touched only by the receiving
/// side) marks that a pending receive owns the waker slot, and a second concurrent receive is rejected.
/// Register-then-re-check: <see cref="PollReceive"/> arms the slot, then looks for an item or the end again, so a
/// send or close landing between its first look and the registration is seen (see <see cref="AtomicWaker"/>).</para>
/// <para><b>The consumer gate.</b> <see cref="MpscRing{T}.TryDequeue"/> has one consumer, but two parties take items:
/// the receive, and the drain of <see cref="DisposeReceiver"/>, which may run on another thread while the receive it
/// woke (through the close) is polled on a worker. So every take happens inside <see cref="_gate"/>, an asymmetric
/// gate (<see cref="ConsumerGate"/>): a receive enters with plain stores, the dispose closes it and, only when items
/// are left to drain, waits behind a process-wide barrier for a receive inside to leave. A receive that finds the
/// gate closed reports Closed. Every item is then received once or dropped once, and a receive after the dispose
/// sees Closed.</para>
/// </remarks>
[DebuggerDisplay("AsyncChannel ({Count} items{(IsClosed ? \", closed\" : \"\"),nq})")]
internal sealed class ChannelCore<T>
{
    private const long UnboundedClosed = 1;
    private const long OneItem = 2;

    private readonly MpscRing<T>? _ring;          // bounded
    private readonly ConcurrentQueue<T>? _queue;  // unbounded
    private readonly int _capacity;
    private long _unbounded;                      // unbounded: items sent and not yet received × OneItem | UnboundedClosed
    private AtomicWaker _receiver;
    private bool _receiverRegistered;
    private int _closed;
    private ConsumerGate _gate; // closed by DisposeReceiver (see remarks)
    private int _senders = 1; // live ChannelSender handles: the last one disposed closes the channel

    /// <summary>An enumerator returned by a finished <c>await foreach</c>, reused by the next one (single consumer).</summary>
    internal ChannelReceiveEnumerator<T>? CachedEnumerator;

    public ChannelCore(int? capacity)
    {
        if (capacity is int bounded)
        {
            _capacity = bounded;
            _ring = new MpscRing<T>(bounded);
            Room = new BatchSemaphore(bounded);
        }
        else
        {
            _capacity = int.MaxValue;
            _queue = new ConcurrentQueue<T>();
        }
    }

    /// <summary>The capacity permits of a bounded channel; null when unbounded.</summary>
    public BatchSemaphore? Room { get; }

    public int Count => _ring?.Count ?? _queue!.Count;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>True once <see cref="DisposeReceiver"/> ran.</summary>
    public bool IsReceiverDisposed => _gate.IsClosed;

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
        if (_ring is not null)
        {
            if (!Room!.TryAcquire(1)) return false;
            Deliver(item);
            return true;
        }
        return TrySendUnbounded(item);
    }

    /// <summary>Adds <paramref name="item"/> to a bounded channel; the caller holds one permit of <see cref="Room"/>.</summary>
    public void Deliver(T item)
    {
        Debug.Assert(_ring is not null);
        _ring.Publish(_ring.Claim(), item);
        AfterSend();
    }

    /// <summary>Adds <paramref name="item"/> to an unbounded channel unless it is closed.</summary>
    public bool TrySendUnbounded(T item)
    {
        Debug.Assert(_queue is not null);
        long state = Volatile.Read(ref _unbounded);
        while (true)
        {
            if ((state & UnboundedClosed) != 0) return false;
            long seen = Interlocked.CompareExchange(ref _unbounded, state + OneItem, state);
            if (seen == state) break;
            state = seen;
        }
        _queue.Enqueue(item);
        AfterSend();
        return true;
    }

    private void AfterSend()
    {
        if (EventsEnabled) AsyncGenEventSource.Log.ChannelSent(RuntimeHelpers.GetHashCode(this), Count);
        _receiver.Wake();
    }

    /// <summary>Takes an item if one is waiting; false when none is or the receiver was disposed.</summary>
    public bool TryReceive(out T item)
    {
        int receive = ConsumerGate.CurrentReceive;
        bool open = _gate.Enter(receive); // outside the try: a second consumer's throw must not let the first one out
        try
        {
            if (open) return TryTake(out item);
            item = default!;
            return false;
        }
        finally
        {
            _gate.Exit(receive);
        }
    }

    public Poll<ReceiveResult<T>> PollReceive(ref bool registered, in Waker waker)
    {
        int receive = ConsumerGate.CurrentReceive;
        bool open = _gate.Enter(receive);
        try
        {
            // Disposed while this receive was pending (the close woke it) or before it started: the items are the
            // drain's, and the receive reports Closed as documented.
            return open ? PollReceiveAsConsumer(ref registered, waker) : Drained(ref registered);
        }
        finally
        {
            _gate.Exit(receive);
        }
    }

    private Poll<ReceiveResult<T>> PollReceiveAsConsumer(ref bool registered, in Waker waker)
    {
        Debug.Assert(!registered || _receiverRegistered, "a registered receive lost its registration");
        if (TryTake(out var item)) return Received(ref registered, item);
        if (IsDrained) return Drained(ref registered);
        if (!registered)
        {
            if (_receiverRegistered)
                throw new InvalidOperationException("Two receives are pending on one channel, but a channel has a single consumer (many senders, one " +
                    "receiver, like tokio's mpsc). Receive in one task and hand the items on (a channel per worker), or share " +
                    "the receiver through an AsyncMutex<ChannelReceiver<T>> so that one worker receives at a time.");
            _receiverRegistered = registered = true;
        }
        _receiver.Register(waker);
        // A send or close that landed after the looks above found the slot not yet armed and woke nobody: look again.
        if (TryTake(out item)) return Received(ref registered, item);
        if (IsDrained) return Drained(ref registered);
        if (EventsEnabled) AsyncGenEventSource.Log.ChannelReceiverWaiting(RuntimeHelpers.GetHashCode(this));
        return Poll<ReceiveResult<T>>.Pending;
    }

    public void CancelReceive(ref bool registered) => Unregister(ref registered);

    /// <summary>
    /// A send gave back room it had been granted (it was disposed): after a close, that may be the last permit the
    /// receiver waits for before it reports Closed.
    /// </summary>
    public void RoomReturned()
    {
        if (IsClosed) _receiver.Wake();
    }

    public void Close()
    {
        Volatile.Write(ref _closed, 1);
        if (Room is not null) Room.Close();
        else Interlocked.Or(ref _unbounded, UnboundedClosed);
        if (EventsEnabled) AsyncGenEventSource.Log.ChannelClosed(RuntimeHelpers.GetHashCode(this));
        _receiver.Wake();
    }

    /// <summary>
    /// The receiver was disposed (tokio's drop of the <c>Receiver</c>): the channel closes, which completes every
    /// pending and later send with false, and the items still buffered are dropped, so the channel no longer keeps
    /// them alive while senders live on. Idempotent.
    /// </summary>
    /// <remarks>May run while a receive is being polled on another thread (the close below wakes a pending one): the
    /// gate, closed first, lets no receive take an item from then on, and the drain waits for a receive still inside
    /// to leave (the end of one poll: never blocks), so it is the ring's last consumer. A delivery racing the close (a
    /// sender already holding room) can land after the drain; it stays buffered until the channel is collected, which
    /// is harmless.</remarks>
    public void DisposeReceiver()
    {
        if (!_gate.Close()) return;
        Close();
        // Nothing buffered: nothing to drain, so no take here and no need to wait for a receive inside (a delivery
        // racing the close stays buffered, as below).
        if (Count == 0) return;
        _gate.WaitUntilNoReceiveInside();
        while (TryTake(out _)) { }
    }

    // Closed, empty, and no send under way: read in one load of the word that also gates new sends.
    private bool IsDrained => Room is not null ? Room.IsClosedWithFree(_capacity) : Volatile.Read(ref _unbounded) == UnboundedClosed;

    private bool TryTake(out T item)
    {
        if (_ring is not null)
        {
            if (!_ring.TryDequeue(out item)) return false;
            Room!.Release(1);
            return true;
        }
        if (!_queue!.TryDequeue(out item!)) return false;
        Interlocked.Add(ref _unbounded, -OneItem);
        return true;
    }

    // Forced inline: every received item ends here, and inside a task's Tier-1 poll the JIT had left it a call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Poll<ReceiveResult<T>> Received(ref bool registered, T item)
    {
        Unregister(ref registered);
        if (EventsEnabled) AsyncGenEventSource.Log.ChannelReceived(RuntimeHelpers.GetHashCode(this), Count);
        return Poll<ReceiveResult<T>>.Ready(ReceiveResult<T>.Received(item));
    }

    private Poll<ReceiveResult<T>> Drained(ref bool registered)
    {
        Unregister(ref registered);
        return Poll<ReceiveResult<T>>.Ready(ReceiveResult<T>.Closed);
    }

    // Channel events identify the channel by its identity hash: stable, unique enough, allocation-free.
    private static bool EventsEnabled => AsyncGenEventSource.Log.IsEnabled(EventLevel.Verbose, AsyncGenEventSource.Keywords.Channels);

    private void Unregister(ref bool registered)
    {
        if (!registered) return;
        registered = _receiverRegistered = false;
        _receiver.Disarm();
    }
}
