using System.Diagnostics;
using AsyncGen.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The future of <see cref="Notify.Notified"/>: completes when notified.</summary>
/// <remarks>Allocation-free. Cancel-safe: disposing it while pending passes a <see cref="Notify.NotifyOne"/> meant
/// for it on to the next waiter (see <see cref="Notify"/>).</remarks>
[DebuggerDisplay("Notified ({_done ? \"done\" : _token.IsNone ? \"not queued\" : \"waiting\",nq})")]
public struct NotifiedFuture : IFuture<Unit>, IAsyncFrameSource
{
    private readonly Notify _notify;
    private readonly int _broadcastsAtCreation;
    private WaiterToken _token;
    private bool _done;

    internal NotifiedFuture(Notify notify, int broadcastsAtCreation)
    {
        _notify = notify;
        _broadcastsAtCreation = broadcastsAtCreation;
    }

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The notified future was polled after it completed.");
        var poll = _notify.PollNotified(ref _token, _broadcastsAtCreation, cx.Waker);
        _done = poll.IsReady;
        return poll;
    }

    /// <summary>Stops waiting; a notification already aimed at this future is passed on.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _notify.CancelNotified(ref _token);
    }

    /// <summary>While registered: a notification.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done && !_token.IsNone) frames.Add(AsyncFrame.Resource("Notify.Notified", "a notification"));
    }
}
