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
}
