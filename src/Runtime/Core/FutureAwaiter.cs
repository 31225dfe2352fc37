using System.Runtime.CompilerServices;
using AsyncGen.Fallback;

namespace AsyncGen;

/// <summary>
/// Awaits a <see cref="Future{T}"/> inside an <c>async Future</c> method when the generator does not rewrite it.
/// </summary>
/// <remarks>
/// Futures are polled, not called back: only <see cref="Future{T}"/>'s own builder knows how to drive this awaiter.
/// Awaiting a future from a <c>Task</c>-returning method (AG0109 at compile time) faults that await with a
/// <see cref="NotSupportedException"/> the method's own <c>catch</c> sees; use <c>AsTask()</c> or
/// <c>Executor.BlockOn</c>.
/// </remarks>
public readonly struct FutureAwaiter<T> : ICriticalNotifyCompletion
{
    internal FutureAwaiter(Future<T> future) => Future = future;

    /// <summary>The awaiter's only field: the fallback builder reads it in place (<see cref="FutureAwaiterLayout"/>).</summary>
    internal Future<T> Future { get; }

    /// <summary>Always false: a future makes progress only when polled.</summary>
    public bool IsCompleted => false;

    /// <summary>The awaited future's result; rethrows its exception with the original stack trace.</summary>
    public T GetResult() => Future.TakeAwaitedResult();

    /// <summary>
    /// Called only by a builder that is not <see cref="Future{T}"/>'s (a <c>Task</c> method awaiting a future):
    /// faults the await, then resumes the method on the thread pool, where <see cref="GetResult"/> throws.
    /// </summary>
    public void OnCompleted(Action continuation)
    {
        FaultAwait(continuation);
        ThreadPool.QueueUserWorkItem(static resume => resume(), continuation, preferLocal: true);
    }

    /// <inheritdoc cref="OnCompleted"/>
    public void UnsafeOnCompleted(Action continuation)
    {
        FaultAwait(continuation);
        // The builder that called us captured the ExecutionContext into the continuation already.
        ThreadPool.UnsafeQueueUserWorkItem(static resume => resume(), continuation, preferLocal: true);
    }

    // Throwing here instead would not reach the awaiting method: Task builders rethrow an exception from
    // (Unsafe)OnCompleted on the thread pool, which ends the process. The future is never polled, so nothing of
    // it has run and there is nothing to cancel.
    private void FaultAwait(Action continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Future.FaultAwait(new NotSupportedException(
            "A Future can only be awaited inside an 'async Future' method (it is driven by polling, not callbacks). " +
            "From Task-based code, await future.AsTask() or call Executor.BlockOn(future) (AG0109 offers the fix)."));
    }
}
