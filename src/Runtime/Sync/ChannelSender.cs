using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// A sending handle of a <see cref="AsyncChannel"/> (tokio's <c>Sender</c>): <see cref="Clone"/> makes another handle,
/// and disposing the last live handle closes the channel, so the receiver sees
/// <see cref="ReceiveResult{T}.Closed"/> once it has drained the items, and an <c>await foreach</c> ends.
/// </summary>
/// <remarks>
/// Thread-safe: send from any task on any thread. Copies of the reference are the same handle: give each producer
/// its own <see cref="Clone"/> and let each dispose its own. A disposed handle refuses to send
/// (<see cref="ObjectDisposedException"/>); a send already pending when the last handle is disposed completes with
/// false, as after <see cref="Close"/>. See <see cref="AsyncChannel"/> for cancel safety.
/// </remarks>
[DebuggerDisplay("ChannelSender ({_core.SenderCount} handles{(_disposed != 0 ? \", this one disposed\" : \"\"),nq})")]
public sealed class ChannelSender<T> : IDisposable
{
    private readonly ChannelCore<T> _core;
    private int _disposed;

    internal ChannelSender(ChannelCore<T> core) => _core = core;

    /// <summary>True once the channel is closed: by either end's <c>Close</c> or by the last sender's dispose.</summary>
    public bool IsClosed => _core.IsClosed;

    /// <summary>
    /// A future that enqueues <paramref name="item"/> once there is room (at once on an unbounded channel) and
    /// completes with true, or with false if the channel is closed first (the item is then not delivered).
    /// </summary>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    public SendFuture<T> Send(T item)
    {
        ThrowIfDisposed();
        return new(_core, item);
    }

    /// <summary>Enqueues <paramref name="item"/> if there is room now and no sender is waiting for room.</summary>
    /// <returns>False when the channel is full, has waiting senders, or is closed.</returns>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    public bool TrySend(T item)
    {
        ThrowIfDisposed();
        return _core.TrySend(item);
    }

    /// <summary>Another handle to the same channel, which keeps it open until it too is disposed.</summary>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    public ChannelSender<T> Clone()
    {
        ThrowIfDisposed();
        _core.AddSender();
        return new ChannelSender<T>(_core);
    }

    /// <summary>Closes the channel for every handle: later and pending sends fail; the receiver drains what was sent,
    /// then sees Closed.</summary>
    public void Close() => _core.Close();

    /// <summary>Releases this handle; when it is the last live one, the channel closes. Idempotent per handle.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _core.ReleaseSender();
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new ObjectDisposedException(nameof(ChannelSender<T>), "This sender handle was disposed; send through another Clone() of it.");
    }
}
