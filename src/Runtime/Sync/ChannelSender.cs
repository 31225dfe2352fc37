using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The sending side of a <see cref="AsyncChannel"/>. Copies are more senders of the same channel.</summary>
/// <remarks>Thread-safe: send from any task on any thread. See <see cref="AsyncChannel"/> for cancel safety.</remarks>
[DebuggerDisplay("ChannelSender")]
public readonly struct ChannelSender<T>
{
    private readonly ChannelCore<T> _core;

    internal ChannelSender(ChannelCore<T> core) => _core = core;

    /// <summary>True once either end has closed the channel.</summary>
    public bool IsClosed => _core.IsClosed;

    /// <summary>
    /// A future that enqueues <paramref name="item"/> once there is room (at once on an unbounded channel) and
    /// completes with true, or with false if the channel is closed first (the item is then not delivered).
    /// </summary>
    public SendFuture<T> Send(T item) => new(_core, item);

    /// <summary>Enqueues <paramref name="item"/> if there is room now and no sender is waiting for room.</summary>
    /// <returns>False when the channel is full, has waiting senders, or is closed.</returns>
    public bool TrySend(T item) => _core.TrySend(item);

    /// <summary>Closes the channel: later and pending sends fail; the receiver drains what was sent, then sees Closed.</summary>
    public void Close() => _core.Close();
}
