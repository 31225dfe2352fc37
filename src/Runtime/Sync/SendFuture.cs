using System.Diagnostics;
using AsyncGen.Tasks;
using AsyncGen.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The future of <see cref="ChannelSender{T}.Send"/>: true once the item is enqueued, false if the channel closed.</summary>
/// <remarks>Allocation-free. Disposing it while it waits for room drops the item and frees any room reserved for
/// it (see <see cref="AsyncChannel"/>).</remarks>
[DebuggerDisplay("Send ({_done ? \"done\" : \"pending\",nq})")]
public struct SendFuture<T> : IFuture<bool>, IAsyncFrameSource
{
    private readonly ChannelCore<T> _core;
    private WaiterToken _room; // queued for room in a full bounded channel (the semaphore is the core's: not kept here)
    private T? _item;
    private bool _done;

    internal SendFuture(ChannelCore<T> core, T item)
    {
        _core = core;
        _item = item;
    }

    /// <inheritdoc/>
    public Poll<bool> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The send future was polled after it completed.");
        if (!CoopBudget.Proceed(cx.Waker)) return Poll<bool>.Pending; // spent its budget: woken, yields to others
        var semaphore = _core.Room;
        if (semaphore is null) return Finish(_core.TrySendUnbounded(_item!));
        var room = semaphore.PollAcquire(ref _room, 1, cx.Waker);
        if (room.IsPending) return Poll<bool>.Pending;
        if (!room.Value) return Finish(sent: false);
        _core.Deliver(_item!); // room held: delivered even if the channel closes now (the send is ordered before the close)
        return Finish(sent: true);
    }

    /// <summary>Gives up sending: the item is dropped and room reserved for it goes to the next waiting sender.</summary>
    public void Dispose()
    {
        if (_done) return;
        Finish(sent: false);
        if (_core.Room is null || _room.IsNone) return;
        _core.Room.CancelAcquire(ref _room, 1);
        _core.RoomReturned();
    }

    private Poll<bool> Finish(bool sent)
    {
        _done = true;
        CoopBudget.Spend();
        _item = default;
        return Poll<bool>.Ready(sent);
    }

    /// <summary>While queued for room in a full bounded channel.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done && !_room.IsNone) frames.Add(AsyncFrame.Resource("AsyncChannel.Send", "room (the channel is full)"));
    }
}
