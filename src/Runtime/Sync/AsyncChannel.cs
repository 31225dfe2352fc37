namespace AsyncGen.Sync;

/// <summary>
/// Creates multi-producer, single-consumer channels (tokio's <c>mpsc</c>): items sent by any number of
/// <see cref="ChannelSender{T}"/> copies are received, in the order each sender sent them, by one
/// <see cref="ChannelReceiver{T}"/>.
/// </summary>
/// <remarks>
/// <para><b>Bounded</b> channels hold at most <c>capacity</c> items: <see cref="ChannelSender{T}.Send"/> waits for
/// room, and senders waiting for room are served first come, first served. <b>Unbounded</b> channels never make a
/// sender wait.</para>
/// <para><b>Closing.</b> Either end may <c>Close</c> the channel: later sends fail (return false), sends still
/// waiting for room complete with false (one already given room delivers its item: it counts as sent before the
/// close), and the receiver still receives every item sent before, then
/// <see cref="ReceiveResult{T}.Closed"/>. Senders are counted handles (<see cref="ChannelSender{T}.Clone"/>):
/// disposing the last one closes the channel, like dropping tokio's last <c>Sender</c>. Disposing the
/// <see cref="ChannelReceiver{T}"/> (<c>using var receiver = …</c>) closes it too, like dropping tokio's
/// <c>Receiver</c>: producers waiting for room are woken and their sends complete with false, and the buffered items
/// are dropped — so a consumer that stops (or whose task is aborted) never leaves its producers blocked.</para>
/// <para><b>Consuming.</b> <c>await foreach</c> over the receiver (no allocation per item inside an <c>async
/// Future</c> method), or <see cref="ChannelReceiver{T}.ReadAllAsync"/> as an <see cref="IAsyncEnumerable{T}"/>
/// in Task code.</para>
/// <para><b>Cancel safety.</b> <see cref="ReceiveFuture{T}"/> is cancel-safe: an item is taken only in the poll
/// that returns it, so disposing a pending receive loses nothing. <see cref="SendFuture{T}"/> owns its item until
/// the poll that enqueues it: disposing it while it waits for room drops that item (it is never half-sent or
/// sent twice) and loses its place among the waiting senders; room already reserved for it goes to the next one.</para>
/// <para>Steady-state send and receive allocate nothing (a bounded channel's buffer is allocated at creation).</para>
/// </remarks>
public static class AsyncChannel
{
    /// <summary>A channel that holds at most <paramref name="capacity"/> items.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive.</exception>
    public static (ChannelSender<T> Sender, ChannelReceiver<T> Receiver) Bounded<T>(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        var core = new ChannelCore<T>(capacity);
        return (new ChannelSender<T>(core), new ChannelReceiver<T>(core));
    }

    /// <summary>A channel without a capacity limit: sends never wait.</summary>
    public static (ChannelSender<T> Sender, ChannelReceiver<T> Receiver) Unbounded<T>()
    {
        var core = new ChannelCore<T>(capacity: null);
        return (new ChannelSender<T>(core), new ChannelReceiver<T>(core));
    }
}
