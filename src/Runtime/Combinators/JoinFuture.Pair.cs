using System.Diagnostics;

namespace AsyncGen;

/// <summary>The future of <see cref="Future.Join{T1, T2}"/>: both results, or the first exception.</summary>
/// <remarks>Allocation-free besides the futures it is given. Ending early (a side threw, or the join is cancelled in
/// place) it waits for the other side's cleanup (<see cref="JoinCleanup"/>); disposed, it cuts it.</remarks>
[DebuggerDisplay("Join ({_first.IsDone}, {_second.IsDone})")]
public struct JoinFuture<T1, T2> : IFuture<(T1, T2)>, ICancelInPlace
{
    private JoinSide<T1> _first;
    private JoinSide<T2> _second;
    private JoinCleanup _cleanup;

    internal JoinFuture(JoinSide<T1> first, JoinSide<T2> second)
    {
        _first = first;
        _second = second;
    }

    /// <inheritdoc/>
    public Poll<(T1, T2)> Poll(ref Context cx)
    {
        if (_cleanup.IsWaiting) return PollCleanup(ref cx);
        if (_cleanup.IsFinished) throw new InvalidOperationException("The join was polled after it completed.");
        bool ready;
        try
        {
            ready = _first.Poll(ref cx) & _second.Poll(ref cx); // '&': every pending side is polled each time
        }
        catch (Exception error)
        {
            _cleanup.Fail(error); // thrown once the other side's cleanup ended
            _cleanup.Started(CancelSides()); // throws it now when no cleanup waits
            return PollCleanup(ref cx);
        }
        if (!ready) return Poll<(T1, T2)>.Pending;
        _cleanup.Complete();
        return Poll<(T1, T2)>.Ready((_first.TakeResult(), _second.TakeResult()));
    }

    /// <summary>Cancels both sides in place: true when a cleanup waits, which polling the join finishes.</summary>
    public bool CancelInPlace() => _cleanup.ShouldCancel(out bool waits) ? _cleanup.Started(CancelSides()) : waits;

    /// <summary>Cancels every side: running futures are disposed (a cleanup the join waited for is cut), and so are results not handed out.</summary>
    public void Dispose()
    {
        if (!_cleanup.StartDispose()) return;
        _cleanup.Drop(ref _first);
        _cleanup.Drop(ref _second);
        _cleanup.End(); // the first exception a disposal threw, once both were disposed
    }

    /// <summary>Cancels both sides in place; true when a cleanup waits.</summary>
    private bool CancelSides() => _cleanup.Cancel(ref _first) | _cleanup.Cancel(ref _second); // '|': both are cancelled

    private Poll<(T1, T2)> PollCleanup(ref Context cx)
    {
        if (_cleanup.IsWaiting && !(_cleanup.Poll(ref _first, ref cx) & _cleanup.Poll(ref _second, ref cx))) return Poll<(T1, T2)>.Pending;
        _cleanup.End();
        return Poll<(T1, T2)>.Ready(default); // cancelled in place: the value means nothing
    }
}
