using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsyncGen.Sync;

/// <summary>The receiving side of a <see cref="AsyncChannel"/>: one consumer.</summary>
/// <remarks>
/// <para>Any thread may receive, but only one receive may be pending at a time. See <see cref="AsyncChannel"/> for
/// cancel safety.</para>
/// <para><b>Dispose it when the consumer stops</b> (<c>using var receiver = …</c>), like dropping tokio's
/// <c>Receiver</c>: the channel closes, so producers waiting for room in a bounded channel are woken and their sends
/// complete with false instead of waiting forever, later sends fail at once, and the items still buffered are
/// dropped. Inside an <c>async Future</c> method the <c>using</c> also runs when the consumer's task is cancelled
/// (disposed or aborted) — once the method has run to its <c>using</c>: a task aborted before its first poll never
/// entered it. A copy of the struct is the same receiver: disposing any copy disposes it.</para>
/// </remarks>
[DebuggerDisplay("ChannelReceiver ({Count} items{(_core.IsReceiverDisposed ? \", disposed\" : \"\"),nq})")]
public readonly struct ChannelReceiver<T> : IDisposable
{
    private readonly ChannelCore<T> _core;

    internal ChannelReceiver(ChannelCore<T> core) => _core = core;

    /// <summary>Items waiting to be received (a snapshot).</summary>
    public int Count => Core.Count;

    /// <summary>
    /// A future of the next item, or of <see cref="ReceiveResult{T}.Closed"/> once the channel is closed and every
    /// item sent before has been received.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The receiver was disposed.</exception>
    public ReceiveFuture<T> Receive()
    {
        ThrowIfDisposed();
        return new(_core);
    }

    /// <summary>Takes the next item if one is waiting; never waits.</summary>
    /// <exception cref="ObjectDisposedException">The receiver was disposed.</exception>
    public bool TryReceive(out T item)
    {
        ThrowIfDisposed();
        return _core.TryReceive(out item);
    }

    /// <summary>Closes the channel: sends fail from now on; items already sent can still be received.</summary>
    public void Close() => Core.Close();

    /// <summary>
    /// <c>await foreach (var item in receiver)</c>: every item until the channel is closed (by <c>Close</c> or by the
    /// dispose of the last <see cref="ChannelSender{T}"/>) and drained. Inside an <c>async Future</c> method it
    /// allocates nothing per item, and the enumerator object is reused by the next loop over this channel.
    /// </summary>
    /// <remarks>One consumer: a loop counts as the pending receive. Breaking out of the loop loses no item.</remarks>
    /// <exception cref="ObjectDisposedException">The receiver was disposed.</exception>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return (Interlocked.Exchange(ref _core.CachedEnumerator, null) ?? new ChannelReceiveEnumerator<T>(_core)).Start(cancellationToken);
    }

    /// <summary>
    /// The items as an <see cref="IAsyncEnumerable{T}"/> for Task-based code (<c>await foreach</c>, LINQ): it ends
    /// when the channel is closed and drained; <paramref name="cancellationToken"/> ends a pending wait with an
    /// <see cref="OperationCanceledException"/>, losing no item.
    /// </summary>
    /// <remarks>Continuations of a wait run on the thread pool when called from Task code, never inline on the
    /// sender's (executor) thread.</remarks>
    /// <exception cref="ObjectDisposedException">The receiver was disposed.</exception>
    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) =>
        (IAsyncEnumerable<T>)GetAsyncEnumerator(cancellationToken);

    /// <summary>
    /// <c>await foreach (var item in receiver.WithCancellation(token))</c>, as on any <see cref="IAsyncEnumerable{T}"/>:
    /// the items of <see cref="ReadAllAsync"/> with <paramref name="cancellationToken"/> ending a pending wait with an
    /// <see cref="OperationCanceledException"/>, losing no item.
    /// </summary>
    /// <remarks>Without it, <c>receiver.WithCancellation(token)</c> resolved to the future combinator and failed to
    /// compile (CS0411): a receiver is not itself an <see cref="IAsyncEnumerable{T}"/>.</remarks>
    /// <exception cref="ObjectDisposedException">The receiver was disposed.</exception>
    public ConfiguredCancelableAsyncEnumerable<T> WithCancellation(CancellationToken cancellationToken) =>
        ReadAllAsync(cancellationToken).WithCancellation(cancellationToken);

    /// <summary>
    /// Drops the receiver: closes the channel (pending and later sends complete with false; a sender already given
    /// room still delivers) and drops the buffered items. Idempotent; any copy of this struct disposes the receiver.
    /// </summary>
    /// <remarks>A receive still pending when the receiver is disposed completes with
    /// <see cref="ReceiveResult{T}.Closed"/>, even when the close wakes it on another worker while the items are
    /// dropped: each item is either received before the dispose or dropped by it, never both.</remarks>
    public void Dispose() => _core?.DisposeReceiver(); // a default(ChannelReceiver) holds no channel: nothing to drop

    // A default(ChannelReceiver) holds no channel: say so instead of a NullReferenceException.
    private ChannelCore<T> Core => _core ?? throw new InvalidOperationException(
        "This ChannelReceiver is the default value, not the receiver of a channel: use the receiver that " +
        "AsyncChannel.Bounded or AsyncChannel.Unbounded returned.");

    private void ThrowIfDisposed()
    {
        if (Core.IsReceiverDisposed)
            throw new ObjectDisposedException(nameof(ChannelReceiver<T>), "This channel receiver was disposed (which closed the channel); receive before disposing it, or keep it alive while you consume.");
    }
}
