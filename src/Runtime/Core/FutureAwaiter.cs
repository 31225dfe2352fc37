using System.Runtime.CompilerServices;
using AsyncGen.Fallback;

namespace AsyncGen;

/// <summary>
/// Awaits a <see cref="Future{T}"/> inside an <c>async Future</c> method when the generator does not rewrite it.
/// </summary>
/// <remarks>
/// Futures are polled, not called back: only <see cref="Future{T}"/>'s own builder knows how to drive this awaiter.
/// Awaiting a future from a <c>Task</c>-returning method throws; use <c>AsTask()</c> or <c>Executor.BlockOn</c>.
/// </remarks>
public readonly struct FutureAwaiter<T> : ICriticalNotifyCompletion, IFutureAwaiter
{
    internal FutureAwaiter(Future<T> future) => Future = future;

    internal Future<T> Future { get; }

    IAwaitedChild IFutureAwaiter.Child => Future;

    /// <summary>Always false: a future makes progress only when polled.</summary>
    public bool IsCompleted => false;

    /// <summary>The awaited future's result; rethrows its exception with the original stack trace.</summary>
    public T GetResult() => Future.TakeAwaitedResult();

    /// <summary>Not supported: futures are driven by polling.</summary>
    public void OnCompleted(Action continuation) => throw NotPolled();

    /// <summary>Not supported: futures are driven by polling.</summary>
    public void UnsafeOnCompleted(Action continuation) => throw NotPolled();

    private static NotSupportedException NotPolled() => new(
        "A Future can only be awaited inside an 'async Future' method (it is driven by polling, not callbacks). " +
        "From Task-based code, await future.AsTask() or call Executor.BlockOn(future).");
}
