using AsyncGen.Diagnostics;

namespace AsyncGen;

/// <summary>Extensions that make every <see cref="IFuture{T}"/> awaitable and spawnable.</summary>
public static class FutureExtensions
{
    /// <summary>
    /// Lets an <c>async Future</c> method await any future, e.g. a struct future such as <c>Time.Sleep</c>, on the
    /// fallback path (the generator embeds struct futures by value instead). Boxes the future once.
    /// </summary>
    public static FutureAwaiter<T> GetAwaiter<T>(this IFuture<T> future) => future.AsFuture().GetAwaiter();

    /// <summary>Returns <paramref name="future"/> as a heap <see cref="Future{T}"/>, boxing it if it is a struct.</summary>
    public static Future<T> AsFuture<T>(this IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        return future as Future<T> ?? new InterfaceFuture<T>(future);
    }

    /// <summary>
    /// Cancels <paramref name="future"/> and completes once its cleanup ended, its <c>finally</c> blocks that await
    /// included: <c>await future.CancelAsync();</c> is what <c>cts.Cancel(); await task;</c> is for an <c>async Task</c>.
    /// <see cref="IDisposable.Dispose"/> cannot wait, so a cleanup that has to wait goes on after it returned (detached,
    /// counted in <see cref="CancelledCleanup.Detached"/>); use this where you can await (see docs/cancellation.md).
    /// </summary>
    /// <remarks>An exception the cleanup throws is what awaiting it throws. For a spawned task, see
    /// <see cref="JoinHandle{T}.CancelAsync"/>.</remarks>
    public static CancelFuture<T> CancelAsync<T>(this Future<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        return new CancelFuture<T>(future);
    }

    private sealed class InterfaceFuture<T>(IFuture<T> inner) : Future<T>, IAsyncFrameSource
    {
        private bool _done;

        public override Poll<T> Poll(ref Context cx)
        {
            if (_done) throw new InvalidOperationException("The future was polled after it completed: a future runs once, so await it once and keep its result to use it again.");
            var poll = inner.Poll(ref cx);
            _done = poll.IsReady;
            return poll;
        }

        public override void Dispose()
        {
            if (_done) return;
            _done = true;
            inner.Dispose();
        }

        /// <summary>The inner future's in-place cancel: while its cleanup waits, polling this box polls it.</summary>
        public override bool CancelInPlace()
        {
            if (_done) return false;
            _done = true; // if the cancel throws, the future has finished
            _done = !inner.CancelInPlace();
            return !_done;
        }

        public void CollectFrames(List<AsyncFrame> frames)
        {
            if (_done) return;
            var future = inner;
            AsyncBacktrace.Collect(ref future, frames);
        }
    }
}
