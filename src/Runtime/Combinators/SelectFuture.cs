using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace AsyncGen;

/// <summary>The future of <see cref="Future.Select{T1, T2}"/>: the first result; the loser is cancelled exactly once.</summary>
/// <remarks>
/// <para>The loser is cancelled in the poll that sees the winner ready (or throwing), and its cleanup ends before the
/// result is returned, as <c>await Task.WhenAny</c> followed by cancelling and awaiting the other task would: a cleanup
/// that completes at once runs in that poll; one that waits (a generated machine's <c>finally</c> block that awaits,
/// <see cref="IFuture{T}.CancelInPlace"/>) is polled by this future, which returns the winner's result once it ended.
/// Only futures without their own in-place cancel (the interface's default) are simply disposed.</para>
/// <para>A loser's cleanup that throws does not cost the winner's result (an accepted connection, a message already
/// taken off a channel), as a failed task never costs <c>Task.WhenAny</c> its winner: the result is returned and the
/// cleanup's exception, which no one else can observe, is counted in <see cref="CancelledCleanup.SelectLoserFailed"/>
/// and reported through <see cref="Diagnostics.RuntimeDiagnostics.UnobservedTaskFailure"/> (and the
/// <c>UnobservedTaskFailure</c> event). When a side throws, the other is cancelled the same way and the exception
/// propagates once its cleanup ended, as <c>await</c> of the faulted task <c>Task.WhenAny</c> returned would after
/// cancelling and awaiting the other; a cleanup's exception does not replace it (counted and reported the same way).
/// When the select itself is cancelled, the first exception its cleanups throw propagates to whoever cancels it (a
/// parent's cleanup), as in C#, once both ended; a second one is reported. Disposed while it waits for cleanups, it cuts
/// them: the first exception a cut throws propagates from <see cref="Dispose"/>, a second one is reported.</para>
/// <para>Cancel safety is the loser's: whatever its own type loses when cancelled while pending (a
/// <c>ReceiveFuture</c> loses nothing, a <c>SendFuture</c> drops its item) is lost here.</para>
/// </remarks>
[DebuggerDisplay("Select ({_finished ? \"finished\" : _cleaning != 0 ? \"waiting for a cleanup\" : \"pending\",nq})")]
public struct SelectFuture<T1, T2> : IFuture<Either<T1, T2>>, ICancelInPlace
{
    private const byte FirstCleaning = 1;
    private const byte SecondCleaning = 2;

    private readonly IFuture<T1> _first;
    private readonly IFuture<T2> _second;
    private Either<T1, T2> _winner; // held while the loser's cleanup waits
    private bool _holdsWinner;      // false when the select itself was cancelled: its cleanups end with no result
    private bool _finished;
    private ExceptionDispatchInfo? _error; // thrown once the cleanups ended: a side's, or (cancelled in place) a cleanup's
    private byte _cleaning; // FirstCleaning | SecondCleaning: whose cleanup this future still polls

    internal SelectFuture(IFuture<T1> first, IFuture<T2> second)
    {
        _first = first;
        _second = second;
    }

    /// <inheritdoc/>
    public Poll<Either<T1, T2>> Poll(ref Context cx)
    {
        if (_finished) throw new InvalidOperationException("The select was polled after it completed.");
        if (_cleaning != 0) return PollCleanup(ref cx);
        _finished = true; // until proven pending: whichever way this poll ends (result or exception), the loser goes

        Poll<T1> first;
        try
        {
            first = _first.Poll(ref cx);
        }
        catch (Exception error)
        {
            return Threw(error, _second, SecondCleaning, ref cx);
        }
        if (first.IsReady) return Won(Either<T1, T2>.FromFirst(first.Value), _second, SecondCleaning, ref cx);

        Poll<T2> second;
        try
        {
            second = _second.Poll(ref cx);
        }
        catch (Exception error)
        {
            return Threw(error, _first, FirstCleaning, ref cx);
        }
        if (second.IsReady) return Won(Either<T1, T2>.FromSecond(second.Value), _first, FirstCleaning, ref cx);

        _finished = false;
        return Poll<Either<T1, T2>>.Pending;
    }

    /// <summary>Cancels (disposes) both futures if the select has not completed; a cleanup it was waiting for is cut.</summary>
    public void Dispose()
    {
        if (_finished) return;
        if (_cleaning != 0)
        {
            CutCleanups();
            return;
        }
        _finished = true;
        DisposeSide(_first);
        DisposeSide(_second);
        End();
    }

    /// <summary>Disposes one side; what it throws is held (<see cref="Fail"/>), so the other is disposed too.</summary>
    private void DisposeSide<T>(IFuture<T> side)
    {
        try
        {
            side.Dispose();
        }
        catch (Exception error)
        {
            Fail(error);
        }
    }

    /// <summary>Cancels both futures in place: true when a cleanup waits, which polling the select finishes.</summary>
    public bool CancelInPlace()
    {
        if (_finished) return false;
        if (_cleaning != 0)
        {
            ReleaseWinner(); // cancelled while its loser cleaned up: the result is no one's any more
            return true;
        }
        _finished = true;
        bool firstWaits = CancelSide(_first);
        bool secondWaits = CancelSide(_second);
        _cleaning = (byte)((firstWaits ? FirstCleaning : 0) | (secondWaits ? SecondCleaning : 0));
        _finished = _cleaning == 0;
        if (_finished) End(); // a cleanup's exception surfaces here, as from Dispose
        return !_finished;
    }

    /// <summary>Cancels one side in place; true when its cleanup waits. What the cancel throws is held (<see cref="Fail"/>).</summary>
    private bool CancelSide<T>(IFuture<T> side)
    {
        try
        {
            return side.CancelInPlace();
        }
        catch (Exception error)
        {
            Fail(error);
            return false;
        }
    }

    /// <summary>
    /// An exception for the select to throw once its cleanups ended; a later one (a cleanup's, after a side's or another
    /// cleanup's) and any while the winner's result is held are reported instead, so the first is never replaced.
    /// </summary>
    private void Fail(Exception error)
    {
        if (_error is null && !_holdsWinner) _error = ExceptionDispatchInfo.Capture(error);
        else CancelledCleanup.ReportSelectLoserFailure(error);
    }

    /// <summary>Throws the held exception, if any.</summary>
    private void End()
    {
        var error = _error;
        _error = null;
        error?.Throw();
    }

    /// <summary>A side threw: cancel the other in place, and throw once its cleanup ended.</summary>
    private Poll<Either<T1, T2>> Threw<TLoser>(Exception error, IFuture<TLoser> loser, byte loserCleaning, ref Context cx)
    {
        Fail(error);
        if (CancelSide(loser))
        {
            _finished = false;
            _cleaning = loserCleaning;
        }
        return PollCleanup(ref cx); // throws at once when no cleanup waits; else the cleanup registers this poll's waker
    }

    /// <summary>The winner is ready: cancel the loser in place, and return the result once its cleanup ended.</summary>
    private Poll<Either<T1, T2>> Won<TLoser>(Either<T1, T2> winner, IFuture<TLoser> loser, byte loserCleaning, ref Context cx)
    {
        bool waits;
        try
        {
            waits = loser.CancelInPlace();
        }
        catch (Exception error)
        {
            CancelledCleanup.ReportSelectLoserFailure(error); // the winner's result stays the caller's
            return Poll<Either<T1, T2>>.Ready(winner);
        }
        if (!waits) return Poll<Either<T1, T2>>.Ready(winner); // the usual case: no state kept, nothing allocated
        _finished = false;
        _winner = winner;
        _holdsWinner = true;
        _cleaning = loserCleaning;
        return PollCleanup(ref cx); // at once: the cleanup registers this poll's waker
    }

    /// <summary>
    /// Polls one loser's cleanup if it still waits. What it throws is reported while the winner's result is held;
    /// otherwise it is held (<see cref="Fail"/>) and thrown once the other cleanup ended too.
    /// </summary>
    private void PollCleanupOf<T>(IFuture<T> loser, byte cleaning, ref Context cx)
    {
        if ((_cleaning & cleaning) == 0) return;
        try
        {
            if (loser.Poll(ref cx).IsReady) _cleaning &= unchecked((byte)~cleaning);
        }
        catch (Exception error)
        {
            _cleaning &= unchecked((byte)~cleaning);
            Fail(error);
        }
    }

    /// <summary>
    /// Polls the cleanups still waiting; the held result (or, cancelled, nothing) once they all ended. A loser's
    /// cleanup that throws while the winner's result is held is reported, and the result still returned.
    /// </summary>
    private Poll<Either<T1, T2>> PollCleanup(ref Context cx)
    {
        PollCleanupOf(_first, FirstCleaning, ref cx);
        PollCleanupOf(_second, SecondCleaning, ref cx);
        if (_cleaning != 0) return Poll<Either<T1, T2>>.Pending;
        _finished = true;
        End();
        var winner = _winner;
        _winner = default;
        _holdsWinner = false;
        return Poll<Either<T1, T2>>.Ready(winner);
    }

    /// <summary>
    /// Ends the select without its result: disposes the futures whose cleanup still waits (which cuts it) and the held
    /// winner's value, which no one will receive (a guard, a permit, a stream), rather than leak what it owns. Each is
    /// disposed whatever the others throw; the first exception propagates and a later one is counted in
    /// <see cref="CancelledCleanup.SelectLoserFailed"/> and reported, never replacing it (as a join's <c>JoinCleanup</c>).
    /// </summary>
    private void CutCleanups()
    {
        _finished = true;
        _error = null; // no one polls the select any more to receive it
        var cleaning = _cleaning;
        _cleaning = 0;
        ExceptionDispatchInfo? thrown = null;
        if ((cleaning & FirstCleaning) != 0) Cut(_first, ref thrown);
        if ((cleaning & SecondCleaning) != 0) Cut(_second, ref thrown);
        try
        {
            ReleaseWinner();
        }
        catch (Exception error)
        {
            Keep(error, ref thrown);
        }
        thrown?.Throw();
    }

    /// <summary>Disposes a side whose cleanup waits; what it throws is kept (<see cref="Keep"/>).</summary>
    private static void Cut<T>(IFuture<T> side, ref ExceptionDispatchInfo? thrown)
    {
        try
        {
            side.Dispose();
        }
        catch (Exception error)
        {
            Keep(error, ref thrown);
        }
    }

    /// <summary>Keeps the first exception of a cut to throw; a later one is counted and reported.</summary>
    private static void Keep(Exception error, ref ExceptionDispatchInfo? thrown)
    {
        if (thrown is null) thrown = ExceptionDispatchInfo.Capture(error);
        else CancelledCleanup.ReportSelectLoserFailure(error);
    }

    private void ReleaseWinner()
    {
        var winner = _winner;
        bool held = _holdsWinner;
        _winner = default;
        _holdsWinner = false;
        if (held) DisposeValue(winner);
    }

    private static void DisposeValue(Either<T1, T2> winner)
    {
        if (winner.TryGetFirst(out var first)) (first as IDisposable)?.Dispose();
        else if (winner.TryGetSecond(out var second)) (second as IDisposable)?.Dispose();
    }
}
