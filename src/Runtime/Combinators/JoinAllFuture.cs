using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace AsyncGen;

/// <summary>The future of <c>Future.JoinAll</c>: every result in input order, or the first exception.</summary>
/// <remarks>Ending early it waits for the other futures' cleanups, as <see cref="JoinFuture{T1, T2}"/> does.</remarks>
[DebuggerDisplay("JoinAll ({_sides.Length} futures)")]
public struct JoinAllFuture<T> : IFuture<T[]>, ICancelInPlace
{
    private readonly JoinSide<T>[] _sides;
    private JoinCleanup _cleanup;
    private bool _finished;

    internal JoinAllFuture(JoinSide<T>[] sides) => _sides = sides;

    /// <inheritdoc/>
    public Poll<T[]> Poll(ref Context cx)
    {
        if (_cleanup.IsWaiting) return PollCleanup(ref cx);
        if (_finished) throw new InvalidOperationException("The join was polled after it completed.");
        bool ready = true;
        try
        {
            for (int i = 0; i < _sides.Length; i++) ready &= _sides[i].Poll(ref cx);
        }
        catch (Exception error)
        {
            _cleanup.Fail(error);
            CancelSides();
            return PollCleanup(ref cx);
        }
        if (!ready) return Poll<T[]>.Pending;
        _finished = true;
        var results = new T[_sides.Length];
        for (int i = 0; i < results.Length; i++) results[i] = _sides[i].TakeResult();
        return Poll<T[]>.Ready(results);
    }

    /// <summary>Cancels every future in place: true when a cleanup waits, which polling the join finishes.</summary>
    public bool CancelInPlace()
    {
        if (_cleanup.IsWaiting) return true;
        if (_finished) return false;
        CancelSides();
        if (_cleanup.IsWaiting) return true;
        _cleanup.End();
        return false;
    }

    /// <summary>Disposes (cancels) every future still running, even if one of their disposals throws; a cleanup the join waited for is cut.</summary>
    public void Dispose()
    {
        if (_finished && !_cleanup.IsWaiting) return;
        _finished = true;
        _cleanup.Drop();
        ExceptionDispatchInfo? firstError = null;
        for (int i = 0; i < _sides.Length; i++)
        {
            try
            {
                _sides[i].Cancel();
            }
            catch (Exception error)
            {
                firstError ??= ExceptionDispatchInfo.Capture(error);
            }
        }
        firstError?.Throw();
    }

    private void CancelSides()
    {
        _finished = true;
        bool waits = false;
        for (int i = 0; i < _sides.Length; i++) waits |= _cleanup.Cancel(ref _sides[i]);
        _cleanup.Started(waits);
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
