using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The receiving side of a <see cref="AsyncChannel"/>: one consumer.</summary>
/// <remarks>Any thread may receive, but only one receive may be pending at a time. See <see cref="AsyncChannel"/> for
/// cancel safety.</remarks>
[DebuggerDisplay("ChannelReceiver ({Count} items)")]
public readonly struct ChannelReceiver<T>
{
    private readonly ChannelCore<T> _core;

    internal ChannelReceiver(ChannelCore<T> core) => _core = core;

    /// <summary>Items waiting to be received (a snapshot).</summary>
    public int Count => _core.Count;

    /// <summary>
    /// A future of the next item, or of <see cref="ReceiveResult{T}.Closed"/> once the channel is closed and every
    /// item sent before has been received.
    /// </summary>
    public ReceiveFuture<T> Receive() => new(_core);

    /// <summary>Takes the next item if one is waiting; never waits.</summary>
    public bool TryReceive(out T item) => _core.TryReceive(out item);

    /// <summary>Closes the channel: sends fail from now on; items already sent can still be received.</summary>
    public void Close() => _core.Close();

    /// <summary>
    /// <c>await foreach (var item in receiver)</c>: every item until the channel is closed (by <c>Close</c> or by the
    /// dispose of the last <see cref="ChannelSender{T}"/>) and drained. Inside an <c>async Future</c> method it
    /// allocates nothing per item, and the enumerator object is reused by the next loop over this channel.
    /// </summary>
    /// <remarks>One consumer: a loop counts as the pending receive. Breaking out of the loop loses no item.</remarks>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        (Interlocked.Exchange(ref _core.CachedEnumerator, null) ?? new ChannelReceiveEnumerator<T>(_core)).Start(cancellationToken);

    /// <summary>
    /// The items as an <see cref="IAsyncEnumerable{T}"/> for Task-based code (<c>await foreach</c>, LINQ): it ends
    /// when the channel is closed and drained; <paramref name="cancellationToken"/> ends a pending wait with an
    /// <see cref="OperationCanceledException"/>, losing no item.
    /// </summary>
    /// <remarks>Continuations of a wait run on the thread pool when called from Task code, never inline on the
    /// sender's (executor) thread.</remarks>
    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) =>
        (IAsyncEnumerable<T>)GetAsyncEnumerator(cancellationToken);
}
