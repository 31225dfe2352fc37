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

        public void CollectFrames(List<AsyncFrame> frames)
        {
            if (_done) return;
            var future = inner;
            AsyncBacktrace.Collect(ref future, frames);
        }
    }
}
