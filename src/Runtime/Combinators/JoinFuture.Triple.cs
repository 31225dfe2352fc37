using System.Diagnostics;

namespace AsyncGen;

/// <summary>The future of <see cref="Future.Join{T1, T2, T3}"/>: all three results, or the first exception.</summary>
/// <remarks>Allocation-free besides the futures it is given.</remarks>
[DebuggerDisplay("Join ({_first.IsDone}, {_second.IsDone}, {_third.IsDone})")]
public struct JoinFuture<T1, T2, T3> : IFuture<(T1, T2, T3)>
{
    private JoinSide<T1> _first;
    private JoinSide<T2> _second;
    private JoinSide<T3> _third;
    private bool _finished;

    internal JoinFuture(JoinSide<T1> first, JoinSide<T2> second, JoinSide<T3> third)
    {
        _first = first;
        _second = second;
        _third = third;
    }

    /// <inheritdoc/>
    public Poll<(T1, T2, T3)> Poll(ref Context cx)
    {
        if (_finished) throw new InvalidOperationException("The join was polled after it completed.");
        bool ready;
        try
        {
            ready = _first.Poll(ref cx) & _second.Poll(ref cx) & _third.Poll(ref cx);
        }
        catch
        {
            Dispose();
            throw;
        }
        if (!ready) return Poll<(T1, T2, T3)>.Pending;
        _finished = true;
        return Poll<(T1, T2, T3)>.Ready((_first.TakeResult(), _second.TakeResult(), _third.TakeResult()));
    }

    /// <summary>Cancels every side: running futures are disposed, and so are results not handed out.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        try
        {
            _first.Cancel();
        }
        finally
        {
            try
            {
                _second.Cancel();
            }
            finally
            {
                _third.Cancel();
            }
        }
    }
}
