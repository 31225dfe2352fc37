using System.Diagnostics;
using AsyncGen.Diagnostics;

namespace AsyncGen;

/// <summary>
/// The future of <see cref="JoinSet{T}.Shutdown"/>: aborts every task of the set and completes once they all ended,
/// their <c>finally</c> blocks that await included (tokio's <c>JoinSet::shutdown</c>), leaving the set empty.
/// </summary>
/// <remarks>
/// Lazy: the tasks are aborted at the first poll. Their outcomes are dropped: a task that completed with a result keeps
/// it to itself, and one whose cleanup threw (or that failed before the abort) is reported as an unobserved failure,
/// as a task nobody joins is. Allocation-free. While it waits it is the set's pending <see cref="JoinSet{T}.JoinNext"/>.
/// Cancelled in place (a parent cancelled while it awaits this), it goes on waiting; disposed, it stops waiting and the
/// aborted tasks stay in the set.
/// </remarks>
[DebuggerDisplay("JoinSet.Shutdown ({_done ? \"done\" : _started ? \"waiting\" : \"not polled\",nq})")]
public struct JoinSetShutdownFuture<T> : IFuture<Unit>, ICancelInPlace, IAsyncFrameSource
{
    private readonly JoinSet<T> _set;
    private bool _started;
    private bool _registered;
    private bool _done;

    internal JoinSetShutdownFuture(JoinSet<T> set) => _set = set;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">A <see cref="JoinSet{T}.JoinNext"/> of the same set is pending.</exception>
    /// <exception cref="ObjectDisposedException">The set was disposed.</exception>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The shutdown was polled after it completed.");
        Start();
        while (true)
        {
            var next = _set.PollJoinNext(ref _registered, cx.Waker); // what it throws ends the shutdown
            if (next.IsPending) return Poll<Unit>.Pending;
            if (next.Value is null) break;
        }
        _done = true;
        return Poll<Unit>.Ready(default);
    }

    /// <summary>Aborts the tasks if that has not happened yet; true until they all ended (polling this finishes the wait).</summary>
    public bool CancelInPlace()
    {
        if (_done) return false;
        Start();
        return true;
    }

    /// <summary>Stops waiting; the tasks already aborted stay in the set (a later <see cref="JoinSet{T}.JoinNext"/> gives them).</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _set.CancelJoinNext(ref _registered);
    }

    /// <summary>While waiting: the set's tasks.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done && _started) frames.Add(AsyncFrame.Resource("JoinSet.Shutdown", $"{_set.Count} aborted task(s) to end"));
    }

    private void Start()
    {
        if (_started) return;
        _started = true;
        _set.AbortAll();
    }
}
