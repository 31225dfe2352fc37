using AsyncGen.Diagnostics;

namespace AsyncGen;

/// <summary>
/// A struct future boxed once on the heap, where it stays pinned. Interceptors return a generated machine wrapped
/// in this type, so a spawned call tree costs exactly this one allocation.
/// </summary>
public sealed class FutureBox<TFuture, T> : Future<T>, IAsyncFrameSource where TFuture : struct, IFuture<T>
{
    private TFuture _future;
    private bool _done;

    /// <summary>Boxes <paramref name="future"/>, which must not have been polled yet.</summary>
    public FutureBox(TFuture future) => _future = future;

    /// <inheritdoc/>
    public override Poll<T> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException($"{typeof(TFuture).Name} was polled after it completed.");
        var poll = _future.Poll(ref cx);
        _done = poll.IsReady;
        return poll;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        if (_done) return;
        _done = true;
        _future.Dispose();
    }

    /// <summary>The boxed machine's frames: a box is plumbing and adds none of its own.</summary>
    public void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done) AsyncBacktrace.Collect(ref _future, frames);
    }
}

/// <summary>A struct future without a result, boxed once: what interceptors of <c>async Future</c> methods return.</summary>
public sealed class FutureBox<TFuture> : Future, IAsyncFrameSource where TFuture : struct, IFuture<Unit>
{
    private TFuture _future;
    private bool _done;

    /// <summary>Boxes <paramref name="future"/>, which must not have been polled yet.</summary>
    public FutureBox(TFuture future) => _future = future;

    /// <inheritdoc/>
    public override Poll<Unit> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException($"{typeof(TFuture).Name} was polled after it completed.");
        var poll = _future.Poll(ref cx);
        _done = poll.IsReady;
        return poll;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        if (_done) return;
        _done = true;
        _future.Dispose();
    }

    /// <summary>The boxed machine's frames: a box is plumbing and adds none of its own.</summary>
    public void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done) AsyncBacktrace.Collect(ref _future, frames);
    }
}
