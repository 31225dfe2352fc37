using AsyncGen.Diagnostics;

namespace AsyncGen;

/// <summary>The future of <see cref="Time.Timeout{T}(IFuture{T}, TimeSpan)"/>: the inner future's result, or a <see cref="TimeoutException"/>.</summary>
/// <remarks>The inner future is polled first, so a result that is ready at the deadline wins. On timeout the inner
/// future is cancelled, and the <see cref="TimeoutException"/> is thrown once its cleanup ended, as an
/// <c>async Task</c> cancelled by a timed token ends after its <c>finally</c> blocks: a cleanup that waits (a generated
/// machine's <c>finally</c> block that awaits, <see cref="IFuture{T}.CancelInPlace"/>) is polled by this future first.
/// An exception thrown by that cleanup replaces the <see cref="TimeoutException"/>, as in C#.</remarks>
public struct TimeoutFuture<T> : IFuture<T>, ICancelInPlace, IAsyncFrameSource
{
    private readonly IFuture<T> _inner;
    private readonly TimeSpan _limit;
    private SleepFuture _deadline;
    private bool _done;
    private Ending _ending; // what the inner future's cleanup, still waiting, ends in

    private enum Ending : byte
    {
        /// <summary>No cleanup waits.</summary>
        None,

        /// <summary>The deadline passed: <see cref="TimeoutException"/> once the cleanup ended.</summary>
        TimedOut,

        /// <summary>The timeout itself was cancelled in place: nothing once the cleanup ended.</summary>
        Cancelled,
    }

    internal TimeoutFuture(IFuture<T> inner, SleepFuture deadline, TimeSpan limit)
    {
        _inner = inner;
        _deadline = deadline;
        _limit = limit;
    }

    /// <inheritdoc/>
    public Poll<T> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The timeout was polled after it completed.");
        if (_ending != Ending.None) return PollCleanup(ref cx);
        Poll<T> result;
        try
        {
            result = _inner.Poll(ref cx);
        }
        catch
        {
            Finish(disposeInner: false);
            throw;
        }
        if (result.IsReady)
        {
            Finish(disposeInner: false);
            return result;
        }
        if (_deadline.Poll(ref cx).IsPending) return Poll<T>.Pending;
        _deadline.Dispose();
        if (CancelInner(Ending.TimedOut)) return PollCleanup(ref cx); // at once: the cleanup registers this poll's waker
        throw TimedOut();
    }

    /// <summary>Cancels the inner future and the deadline; a cleanup it was waiting for is cut.</summary>
    public void Dispose()
    {
        if (!_done) Finish(disposeInner: true);
    }

    /// <summary>Cancels the inner future in place: true when its cleanup waits, which polling the timeout finishes.</summary>
    public bool CancelInPlace()
    {
        if (_done) return false;
        if (_ending != Ending.None)
        {
            _ending = Ending.Cancelled; // already waiting for the cleanup: it now ends in nothing
            return true;
        }
        _deadline.Dispose();
        return CancelInner(Ending.Cancelled);
    }

    /// <summary>A frame for the deadline (or the cleanup it waits for), then the inner future's frames.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (_done) return;
        frames.Add(_ending == Ending.None
            ? AsyncFrame.Resource("Time.Timeout", SleepFuture.DescribeDeadline(_deadline.DeadlineMs))
            : AsyncFrame.Resource("Time.Timeout", "waiting for the cancelled future's cleanup"));
        var inner = _inner;
        AsyncBacktrace.Collect(ref inner, frames);
    }

    /// <summary>Cancels the inner future in place; true when its cleanup waits (then <see cref="_ending"/> says what follows).</summary>
    private bool CancelInner(Ending ending)
    {
        _done = true; // if the cleanup throws, the timeout is over
        if (!_inner.CancelInPlace()) return false;
        _done = false;
        _ending = ending;
        return true;
    }

    private Poll<T> PollCleanup(ref Context cx)
    {
        try
        {
            if (_inner.Poll(ref cx).IsPending) return Poll<T>.Pending;
        }
        catch
        {
            _done = true; // the cleanup's exception replaces the timeout, as in C#
            throw;
        }
        _done = true;
        if (_ending == Ending.TimedOut) throw TimedOut();
        return Poll<T>.Ready(default!); // cancelled in place: the value means nothing
    }

    private readonly TimeoutException TimedOut() => new($"The operation did not complete within {_limit}.");

    private void Finish(bool disposeInner)
    {
        _done = true;
        _deadline.Dispose();
        if (disposeInner) _inner.Dispose();
    }
}
