using AsyncGen;

namespace AsyncGen.Runtime.Tests.Combinators;

/// <summary>
/// A hand-written future that completes with <c>value</c> after <c>pendingPolls</c> pending polls (never, if
/// negative), or throws <c>error</c> instead; counts its polls and disposals.
/// </summary>
internal sealed class TrackedFuture<T>(T value, int pendingPolls, Exception? error = null) : IFuture<T>
{
    public int Polls { get; private set; }

    public int Disposals { get; private set; }

    public Poll<T> Poll(ref Context cx)
    {
        Polls++;
        if (pendingPolls < 0 || Polls <= pendingPolls)
        {
            cx.Waker.Wake();
            return Poll<T>.Pending;
        }
        if (error is not null) throw error;
        return Poll<T>.Ready(value);
    }

    public void Dispose() => Disposals++;
}
