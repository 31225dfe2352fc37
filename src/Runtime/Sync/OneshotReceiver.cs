using System.Diagnostics;
using AsyncGen.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// The receiving end of a <see cref="Oneshot"/> channel, and the future of its value: completes with the value, or
/// with <see cref="ReceiveResult{T}.Closed"/> if the sender was disposed without sending.
/// </summary>
/// <remarks>Disposing it drops the receiver (see <see cref="Oneshot"/> for cancel safety). Poll it from one task.</remarks>
[DebuggerDisplay("OneshotReceiver")]
public struct OneshotReceiver<T> : IFuture<ReceiveResult<T>>, IAsyncFrameSource
{
    private readonly OneshotCell<T> _cell;
    private bool _done;

    internal OneshotReceiver(OneshotCell<T> cell) => _cell = cell;

    /// <inheritdoc/>
    public Poll<ReceiveResult<T>> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The oneshot receiver was polled after it completed.");
        var poll = _cell.PollReceive(cx.Waker);
        _done = poll.IsReady;
        return poll;
    }

    /// <summary>Drops the receiver: later sends are refused, and a value sent but not received is dropped.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _cell.CloseReceiver();
    }

    /// <summary>Until the value arrives: the sender.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done) frames.Add(AsyncFrame.Resource("Oneshot.Receive", "the value from its sender"));
    }
}
