using System.Diagnostics;
using AsyncGen.Tasks;
using AsyncGen.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The future of <see cref="ChannelReceiver{T}.Receive"/>: the next item, or Closed.</summary>
/// <remarks>Allocation-free. Cancel-safe: disposing it while pending loses no item (see <see cref="AsyncChannel"/>).</remarks>
[DebuggerDisplay("Receive ({_done ? \"done\" : _registered ? \"waiting\" : \"not polled\",nq})")]
public struct ReceiveFuture<T> : IFuture<ReceiveResult<T>>, IAsyncFrameSource
{
    private readonly ChannelCore<T> _core;
    private bool _registered;
    private bool _done;

    internal ReceiveFuture(ChannelCore<T> core) => _core = core;

    /// <inheritdoc/>
    public Poll<ReceiveResult<T>> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The receive future was polled after it completed.");
        if (!CoopBudget.Proceed(cx.Waker)) return Poll<ReceiveResult<T>>.Pending; // spent its budget: woken, yields
        var poll = _core.PollReceive(ref _registered, cx.Waker);
        _done = poll.IsReady;
        if (_done) CoopBudget.Spend();
        return poll;
    }

    /// <summary>Stops waiting; nothing was taken from the channel, so nothing is lost.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _core.CancelReceive(ref _registered);
    }

    /// <summary>While registered on an empty channel: an item.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done && _registered) frames.Add(AsyncFrame.Resource("AsyncChannel.Receive", "an item (the channel is empty)"));
    }
}
