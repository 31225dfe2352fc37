using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>
/// A future object held by reference, so that a future that is not a <see cref="FutureBox{TFuture, T}"/> (a
/// fallback state machine, a hand-written class, a struct passed as <see cref="IFuture{T}"/>) can be spawned in a
/// box too: two allocations instead of one, the price of not handing the executor the struct itself.
/// </summary>
internal struct FutureRef<T>(IFuture<T> future) : IFuture<T>, ICancelInPlace, IFutureRef, IAsyncFrameSource
{
    private IFuture<T>? _future = future;
    // Kept after Release: dumps and events name finished tasks. A wrapper that is plumbing (SpawnAsTask's, a hosted
    // service's) names the future it runs.
    private readonly Type _type = future is IFutureRef wrapper ? wrapper.FutureType : future.GetType();

    public readonly Type FutureType => _type;

    /// <summary>Drops the future (the task finished) but keeps its type for the task's name.</summary>
    public void Release() => _future = null;

    public readonly Poll<T> Poll(ref Context cx) => _future!.Poll(ref cx);

    public readonly void Dispose() => _future?.Dispose();

    /// <summary>The held future's own (an interface call on a reference: nothing is boxed).</summary>
    public readonly bool CancelInPlace() => _future?.CancelInPlace() ?? false;

    /// <summary>The held future's frames: the wrapper adds none.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        var future = _future;
        AsyncBacktrace.Collect(ref future, frames);
    }
}

/// <summary>
/// Lets a box name the future a <see cref="FutureRef{T}"/> holds rather than the wrapper; and a wrapper spawned
/// through a <see cref="FutureRef{T}"/> (<c>TaskSourceFuture</c>) name the future it wraps.
/// </summary>
internal interface IFutureRef
{
    Type FutureType { get; }
}
