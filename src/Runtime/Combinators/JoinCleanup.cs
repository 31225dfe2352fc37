using System.Runtime.ExceptionServices;

namespace AsyncGen;

/// <summary>
/// How a join ends early — a side threw, or the join itself is cancelled in place: it cancels every other side in
/// place and polls their cleanups to the end before it completes, as <c>await Task.WhenAll</c> over tasks that are
/// cancelled on the first failure returns only once they all ended (their <c>finally</c> blocks that await included).
/// Held by value in each join future; allocates nothing unless there is an exception to hold.
/// </summary>
/// <remarks>
/// The join then throws the side's exception, or, cancelled in place, ends without a result. An exception thrown by a
/// cleanup replaces it, as an exception thrown by a <c>finally</c> block replaces the one that was unwinding (the last
/// one thrown wins); the other cleanups still run to their end.
/// </remarks>
internal struct JoinCleanup
{
    private ExceptionDispatchInfo? _error; // what the join throws once the cleanups ended

    /// <summary>True while a side's cleanup waits: the join's poll finishes it through <see cref="Poll{T}"/>.</summary>
    public bool IsWaiting { get; private set; }

    /// <summary>A side threw: the join throws this once the other sides' cleanups ended.</summary>
    public void Fail(Exception error) => _error = ExceptionDispatchInfo.Capture(error);

    /// <summary>Cancels one side in place; true when its cleanup waits. What the cancel throws replaces the held exception.</summary>
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

    /// <summary>After cancelling every side: whether a cleanup waits (the join's poll, or its caller, finishes it).</summary>
    public void Started(bool waits) => IsWaiting = waits;

    /// <summary>Polls one side's cleanup; true once it ended. What it throws replaces the held exception.</summary>
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

    /// <summary>The join is disposed: the cleanups still waiting are cut, and the held exception has no one to go to.</summary>
    public void Drop()
    {
        IsWaiting = false;
        _error = null;
    }
}
