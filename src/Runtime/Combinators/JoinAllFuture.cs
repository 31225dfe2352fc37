using System.Diagnostics;

using System.Runtime.ExceptionServices;

namespace AsyncGen;

/// <summary>The future of <c>Future.JoinAll</c>: every result in input order, or the first exception.</summary>
[DebuggerDisplay("JoinAll ({_sides.Length} futures)")]
public struct JoinAllFuture<T> : IFuture<T[]>
{
    private readonly JoinSide<T>[] _sides;
    private bool _finished;

    internal JoinAllFuture(JoinSide<T>[] sides) => _sides = sides;

    /// <inheritdoc/>
    public Poll<T[]> Poll(ref Context cx)
    {
        if (_finished) throw new InvalidOperationException("The join was polled after it completed.");
        bool ready = true;
        try
        {
            for (int i = 0; i < _sides.Length; i++) ready &= _sides[i].Poll(ref cx);
        }
        catch
        {
            Dispose();
            throw;
        }
        if (!ready) return Poll<T[]>.Pending;
        _finished = true;
        var results = new T[_sides.Length];
        for (int i = 0; i < results.Length; i++) results[i] = _sides[i].TakeResult();
        return Poll<T[]>.Ready(results);
    }

    /// <summary>Disposes (cancels) every future still running, even if one of their disposals throws.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
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
}
