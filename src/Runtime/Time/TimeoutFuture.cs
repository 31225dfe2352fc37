using AsyncGen.Diagnostics;

namespace AsyncGen;

/// <summary>The future of <see cref="Time.Timeout{T}(IFuture{T}, TimeSpan)"/>: the inner future's result, or a <see cref="TimeoutException"/>.</summary>
/// <remarks>The inner future is polled first, so a result that is ready at the deadline wins. On timeout the inner
/// future is disposed, which cancels it (its <c>finally</c> blocks run).</remarks>
public struct TimeoutFuture<T> : IFuture<T>, IAsyncFrameSource
{
    private readonly IFuture<T> _inner;
    private readonly TimeSpan _limit;
    private SleepFuture _deadline;
    private bool _done;

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
        Finish(disposeInner: true);
        throw new TimeoutException($"The operation did not complete within {_limit}.");
    }

    /// <summary>Cancels the inner future and the deadline.</summary>
    public void Dispose()
    {
        if (!_done) Finish(disposeInner: true);
    }

    /// <summary>A frame for the deadline, then the inner future's frames.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (_done) return;
        frames.Add(AsyncFrame.Resource("Time.Timeout", SleepFuture.DescribeDeadline(_deadline.DeadlineMs)));
        var inner = _inner;
        AsyncBacktrace.Collect(ref inner, frames);
    }

    private void Finish(bool disposeInner)
    {
        _done = true;
        _deadline.Dispose();
        if (disposeInner) _inner.Dispose();
    }
}
