using System.Diagnostics;
using AsyncGen.Diagnostics;

namespace AsyncGen;

/// <summary>
/// The future of <see cref="JoinSet{T}.JoinNext"/>: the handle of the next task of the set to finish, or null once the
/// set is empty.
/// </summary>
/// <remarks>Allocation-free. Cancel-safe: a task is taken from the set only in the poll that returns it, so disposing
/// a pending JoinNext loses nothing.</remarks>
[DebuggerDisplay("JoinNext ({_done ? \"done\" : _registered ? \"waiting\" : \"not polled\",nq})")]
public struct JoinNextFuture<T> : IFuture<JoinHandle<T>?>, IAsyncFrameSource
{
    private readonly JoinSet<T> _set;
    private bool _registered;
    private bool _done;

    internal JoinNextFuture(JoinSet<T> set) => _set = set;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Another JoinNext of the same set is pending.</exception>
    /// <exception cref="ObjectDisposedException">The set was disposed.</exception>
    public Poll<JoinHandle<T>?> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The JoinNext future was polled after it completed.");
        var poll = _set.PollJoinNext(ref _registered, cx.Waker);
        _done = poll.IsReady;
        return poll;
    }

    /// <summary>Stops waiting; no task was taken from the set.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _set.CancelJoinNext(ref _registered);
    }

    /// <summary>While waiting: the set's tasks.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done && _registered) frames.Add(AsyncFrame.Resource("JoinSet.JoinNext", $"the first of {_set.Count} task(s) to finish"));
    }
}
