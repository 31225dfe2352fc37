using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The sending end of a <see cref="Oneshot"/> channel. Disposing it without sending closes the channel.</summary>
/// <remarks>A struct view of the shared channel: copies are the same sender. Thread-safe.</remarks>
[DebuggerDisplay("OneshotSender")]
public readonly struct OneshotSender<T> : IDisposable
{
    private readonly OneshotCell<T> _cell;

    internal OneshotSender(OneshotCell<T> cell) => _cell = cell;

    /// <summary>The shared state (for the systematic concurrency tests, which drive its steps one at a time).</summary>
    internal OneshotCell<T> Cell => _cell;

    /// <summary>True once the receiver has been disposed: a <see cref="Send"/> would be refused.</summary>
    public bool IsClosed => _cell.IsReceiverGone;

    /// <summary>
    /// Delivers <paramref name="value"/> and wakes the receiver. Returns false, keeping nothing, if a value was
    /// already sent, the sender was disposed, or the receiver is gone.
    /// </summary>
    public bool Send(T value) => _cell.Send(value);

    /// <summary>Closes the channel if nothing was sent: the receiver completes with <see cref="ReceiveResult{T}.Closed"/>.</summary>
    public void Dispose() => _cell.CloseSender();
}
