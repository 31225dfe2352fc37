using System.Diagnostics;

namespace AsyncGen;

/// <summary>The future of <see cref="Future.Join{T1, T2, T3}"/>: all three results, or the first exception.</summary>
/// <remarks>Allocation-free besides the futures it is given. Ending early it waits for the other sides' cleanups, as
/// <see cref="JoinFuture{T1, T2}"/> does.</remarks>
[DebuggerDisplay("Join ({_first.IsDone}, {_second.IsDone}, {_third.IsDone})")]
public struct JoinFuture<T1, T2, T3> : IFuture<(T1, T2, T3)>, ICancelInPlace
{
    private JoinSide<T1> _first;
    private JoinSide<T2> _second;
    private JoinSide<T3> _third;
    private JoinCleanup _cleanup;

    internal JoinFuture(JoinSide<T1> first, JoinSide<T2> second, JoinSide<T3> third)
    {
        _first = first;
        _second = second;
        _third = third;
    }

    /// <inheritdoc/>
    public Poll<(T1, T2, T3)> Poll(ref Context cx)
    {
        if (_cleanup.IsWaiting) return PollCleanup(ref cx);
        if (_cleanup.IsFinished) throw new InvalidOperationException("The join was polled after it completed.");
        bool ready;
        try
        {
            ready = _first.Poll(ref cx) & _second.Poll(ref cx) & _third.Poll(ref cx);
        }
        catch (Exception error)
        {
            _cleanup.Fail(error);
            _cleanup.Started(CancelSides());
            return PollCleanup(ref cx);
        }
        if (!ready) return Poll<(T1, T2, T3)>.Pending;
        _cleanup.Complete();
        return Poll<(T1, T2, T3)>.Ready((_first.TakeResult(), _second.TakeResult(), _third.TakeResult()));
    }

    /// <summary>Cancels every side in place: true when a cleanup waits, which polling the join finishes.</summary>
    public bool CancelInPlace() => _cleanup.ShouldCancel(out bool waits) ? _cleanup.Started(CancelSides()) : waits;

    /// <summary>Cancels every side: running futures are disposed (a cleanup the join waited for is cut), and so are results not handed out.</summary>
    public void Dispose()
    {
        if (!_cleanup.StartDispose()) return;
        _cleanup.Drop(ref _first);
        _cleanup.Drop(ref _second);
        _cleanup.Drop(ref _third);
        _cleanup.End();
    }

    private bool CancelSides() => _cleanup.Cancel(ref _first) | _cleanup.Cancel(ref _second) | _cleanup.Cancel(ref _third);

    private Poll<(T1, T2, T3)> PollCleanup(ref Context cx)
    {
        if (_cleanup.IsWaiting && !(_cleanup.Poll(ref _first, ref cx) & _cleanup.Poll(ref _second, ref cx) & _cleanup.Poll(ref _third, ref cx)))
            return Poll<(T1, T2, T3)>.Pending;
        _cleanup.End();
        return Poll<(T1, T2, T3)>.Ready(default);
    }
}
