using System.Diagnostics;

namespace AsyncGen;

/// <summary>The future of <c>Future.JoinAll</c>: every result in input order, or the first exception.</summary>
/// <remarks>Ending early it waits for the other futures' cleanups, as <see cref="JoinFuture{T1, T2}"/> does.</remarks>
[DebuggerDisplay("JoinAll ({_sides.Length} futures)")]
public struct JoinAllFuture<T> : IFuture<T[]>, ICancelInPlace
{
    private readonly JoinSide<T>[] _sides;
    private JoinCleanup _cleanup;

    internal JoinAllFuture(JoinSide<T>[] sides) => _sides = sides;

    /// <inheritdoc/>
    public Poll<T[]> Poll(ref Context cx)
    {
        if (_cleanup.IsWaiting) return PollCleanup(ref cx);
        if (_cleanup.IsFinished) throw new InvalidOperationException("The join was polled after it completed.");
        bool ready = true;
        try
        {
            for (int i = 0; i < _sides.Length; i++) ready &= _sides[i].Poll(ref cx);
        }
        catch (Exception error)
        {
            _cleanup.Fail(error);
            _cleanup.Started(CancelSides());
            return PollCleanup(ref cx);
        }
        if (!ready) return Poll<T[]>.Pending;
        _cleanup.Complete();
        var results = new T[_sides.Length];
        for (int i = 0; i < results.Length; i++) results[i] = _sides[i].TakeResult();
        return Poll<T[]>.Ready(results);
    }

    /// <summary>Cancels every future in place: true when a cleanup waits, which polling the join finishes.</summary>
    public bool CancelInPlace() => _cleanup.ShouldCancel(out bool waits) ? _cleanup.Started(CancelSides()) : waits;

    /// <summary>
    /// Disposes (cancels) every future still running, even if one of their disposals throws (the first such exception
    /// is thrown, the others reported); a cleanup the join waited for is cut.
    /// </summary>
    public void Dispose()
    {
        if (!_cleanup.StartDispose()) return;
        for (int i = 0; i < _sides.Length; i++) _cleanup.Drop(ref _sides[i]);
        _cleanup.End();
    }

    private bool CancelSides()
    {
        bool waits = false;
        for (int i = 0; i < _sides.Length; i++) waits |= _cleanup.Cancel(ref _sides[i]);
        return waits;
    }

    private Poll<T[]> PollCleanup(ref Context cx)
    {
        if (_cleanup.IsWaiting)
        {
            bool ended = true;
            for (int i = 0; i < _sides.Length; i++) ended &= _cleanup.Poll(ref _sides[i], ref cx);
            if (!ended) return Poll<T[]>.Pending;
        }
        _cleanup.End();
        return Poll<T[]>.Ready(default!); // cancelled in place: the value means nothing
    }
}
