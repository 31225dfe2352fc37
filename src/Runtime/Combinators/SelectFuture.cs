using System.Diagnostics;

namespace AsyncGen;

/// <summary>The future of <see cref="Future.Select{T1, T2}"/>: the first result; the loser is disposed exactly once.</summary>
/// <remarks>
/// <para>The loser is disposed in the same poll that sees the winner ready (or throwing), before the result is
/// returned, so its <c>finally</c> blocks have run by the time the caller continues.</para>
/// <para>Cancel safety is the loser's: whatever its own type loses when disposed while pending (a
/// <c>ReceiveFuture</c> loses nothing, a <c>SendFuture</c> drops its item) is lost here.</para>
/// </remarks>
[DebuggerDisplay("Select ({_finished ? \"finished\" : \"pending\",nq})")]
public struct SelectFuture<T1, T2> : IFuture<Either<T1, T2>>
{
    private readonly IFuture<T1> _first;
    private readonly IFuture<T2> _second;
    private bool _finished;

    internal SelectFuture(IFuture<T1> first, IFuture<T2> second)
    {
        _first = first;
        _second = second;
    }

    /// <inheritdoc/>
    public Poll<Either<T1, T2>> Poll(ref Context cx)
    {
        if (_finished) throw new InvalidOperationException("The select was polled after it completed.");
        _finished = true; // until proven pending: whichever way this poll ends (result or exception), the loser goes

        Poll<T1> first;
        try
        {
            first = _first.Poll(ref cx);
        }
        catch
        {
            _second.Dispose();
            throw;
        }
        if (first.IsReady)
        {
            DisposeLoser(_second, first.Value);
            return Poll<Either<T1, T2>>.Ready(Either<T1, T2>.FromFirst(first.Value));
        }

        Poll<T2> second;
        try
        {
            second = _second.Poll(ref cx);
        }
        catch
        {
            _first.Dispose();
            throw;
        }
        if (second.IsReady)
        {
            DisposeLoser(_first, second.Value);
            return Poll<Either<T1, T2>>.Ready(Either<T1, T2>.FromSecond(second.Value));
        }

        _finished = false;
        return Poll<Either<T1, T2>>.Pending;
    }

    /// <summary>Disposes (cancels) both futures if the select has not completed.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        try
        {
            _first.Dispose();
        }
        finally
        {
            _second.Dispose();
        }
    }

    // If the loser's cleanup throws, the winner's result is never handed out: dispose it (a guard, a permit, a
    // stream) rather than leak what it owns, then let the cleanup error propagate.
    private static void DisposeLoser<TLoser, TWinner>(IFuture<TLoser> loser, TWinner winner)
    {
        try
        {
            loser.Dispose();
        }
        catch
        {
            (winner as IDisposable)?.Dispose();
            throw;
        }
    }
}
