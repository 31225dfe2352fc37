using System.Runtime.ExceptionServices;

namespace AsyncGen;

/// <summary>
/// How a join ends — completed, a side threw, cancelled in place, or disposed. Ending early it cancels every other side
/// in place and polls their cleanups to the end before it completes, as <c>await Task.WhenAll</c> over tasks that are
/// cancelled on the first failure returns only once they all ended (their <c>finally</c> blocks that await included).
/// Held by value in each join future; allocates nothing unless there is an exception to hold.
/// </summary>
/// <remarks>
/// The join then throws the first exception in time — the side's that ended it, or, cancelled in place or disposed,
/// the first one a cleanup threw — whatever the side's position. <c>await Task.WhenAll</c> differs: it throws the
/// first exception in argument order (its <c>AggregateException</c>'s first), which is a cancelled task's cleanup's
/// when that task is passed before the one that failed (review G3); the join never lets a cleanup's exception hide
/// the failure that ended it. The later ones have no <c>Task.Exception</c> to live in: each is counted in
/// <see cref="CancelledCleanup.JoinCleanupFailed"/> and reported through
/// <see cref="Diagnostics.RuntimeDiagnostics.UnobservedTaskFailure"/>, as a <c>Select</c> loser's is. A cleanup that
/// throws does not stop the others: they still run to their end.
/// </remarks>
internal struct JoinCleanup
{
    private ExceptionDispatchInfo? _error; // what the join throws once the cleanups ended

    /// <summary>True while a side's cleanup waits: the join's poll finishes it through <see cref="Poll{T}"/>.</summary>
    public bool IsWaiting { get; private set; }

    /// <summary>True once the join has nothing left to poll: it completed, ended early, or was disposed.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Every side completed: the join returned the results.</summary>
    public void Complete() => IsFinished = true;

    /// <summary>
    /// An exception to throw once the cleanups ended: a side's that ends the join, or a cleanup's. The first one is
    /// thrown; a later one is reported (see the remarks).
    /// </summary>
    public void Fail(Exception error)
    {
        if (_error is null) _error = ExceptionDispatchInfo.Capture(error);
        else CancelledCleanup.ReportJoinCleanupFailure(error);
    }

    /// <summary>
    /// The join's <c>CancelInPlace</c> starts: true when the caller must now cancel its sides through
    /// <see cref="Cancel{T}"/> and pass what they returned to <see cref="Started"/>; false when it already ended, with
    /// <paramref name="waits"/> its answer (true: it already waits for a cleanup after a side threw, and ends with that
    /// exception).
    /// </summary>
    public readonly bool ShouldCancel(out bool waits)
    {
        waits = IsWaiting;
        return !IsWaiting && !IsFinished;
    }

    /// <summary>Cancels one side in place; true when its cleanup waits. What the cancel throws is held (<see cref="Fail"/>).</summary>
    public bool Cancel<T>(ref JoinSide<T> side)
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
    /// Every side was cancelled: true when a cleanup waits (the join's poll, or its caller, finishes it); otherwise
    /// every cleanup ended, and the held exception is thrown.
    /// </summary>
    public bool Started(bool waits)
    {
        IsFinished = true;
        IsWaiting = waits;
        if (!waits) End();
        return waits;
    }

    /// <summary>Polls one side's cleanup; true once it ended. What it throws is held (<see cref="Fail"/>).</summary>
    public bool Poll<T>(ref JoinSide<T> side, ref Context cx)
    {
        try
        {
            return side.PollCleanup(ref cx);
        }
        catch (Exception error)
        {
            Fail(error);
            return true;
        }
    }

    /// <summary>Every cleanup ended: throws the held exception, if any.</summary>
    public void End()
    {
        IsWaiting = false;
        var error = _error;
        _error = null;
        error?.Throw();
    }

    /// <summary>
    /// The join is disposed: false when it had already ended. Otherwise the cleanups still waiting are cut, the
    /// exception held for the join's poll has no one to go to, and the caller drops each side through
    /// <see cref="Drop{T}"/>, then calls <see cref="End"/>.
    /// </summary>
    public bool StartDispose()
    {
        if (IsFinished && !IsWaiting) return false;
        IsFinished = true;
        IsWaiting = false;
        _error = null;
        return true;
    }

    /// <summary>Disposes one side (<see cref="JoinSide{T}.Cancel"/>); what it throws is held, so every side is disposed.</summary>
    public void Drop<T>(ref JoinSide<T> side)
    {
        try
        {
            side.Cancel();
        }
        catch (Exception error)
        {
            Fail(error);
        }
    }
}
