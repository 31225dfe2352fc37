using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using AsyncGen.Fallback;

namespace AsyncGen;

/// <summary>
/// A heap-allocated (boxed, hence pinned) future: the return type of <c>[PollAsync] async Future&lt;T&gt;</c> methods
/// and the unit of work an executor spawns.
/// </summary>
/// <remarks>
/// With the generator, calls to a <c>[PollAsync]</c> method return a <see cref="FutureBox{TFuture, T}"/> around the
/// generated struct machine. Without it, the C# compiler's own state machine runs lazily through
/// <see cref="FutureMethodBuilder{T}"/>. Either way nothing runs before the first <see cref="Poll"/>.
/// </remarks>
[AsyncMethodBuilder(typeof(FutureMethodBuilder<>))]
public abstract class Future<T> : IFuture<T>, IAwaitedChild
{
    // Where a fallback-awaited child leaves its outcome for FutureAwaiter<T>.GetResult (the compiler copies the
    // awaiter around, so the outcome has to live on the heap, here). A spawned FutureBox keeps its task's outcome
    // here too (TaskCore): the joiner's awaiter then rewrites the same value, and the cell stays within 96 bytes.
    internal T? _awaitedValue;
    internal ExceptionDispatchInfo? _awaitedError;

    /// <inheritdoc/>
    public abstract Poll<T> Poll(ref Context cx);

    /// <summary>Cancels the future if it is suspended; a no-op when finished or never polled.</summary>
    public virtual void Dispose() { }

    /// <inheritdoc cref="IFuture{T}.CancelInPlace"/>
    /// <remarks>The default disposes and returns false; a box holding a generated machine passes the request on.</remarks>
    public virtual bool CancelInPlace()
    {
        Dispose();
        return false;
    }

    /// <summary>Lets an <c>async Future</c> method await this future (the fallback path).</summary>
    public FutureAwaiter<T> GetAwaiter() => new(this);

    bool IAwaitedChild.TryComplete(ref Context cx)
    {
        try
        {
            var poll = Poll(ref cx);
            if (poll.IsPending) return false;
            _awaitedValue = poll.Value;
        }
        catch (Exception error)
        {
            _awaitedError = ExceptionDispatchInfo.Capture(error);
        }
        return true;
    }

    void IAwaitedChild.Cancel()
    {
        try
        {
            Dispose();
            _awaitedError = ExceptionDispatchInfo.Capture(new FutureCanceledException());
        }
        catch (Exception cleanupError)
        {
            // Surfaces at the parent's await, so the parent's own finally blocks still run.
            _awaitedError = ExceptionDispatchInfo.Capture(cleanupError);
        }
    }

    bool IAwaitedChild.CancelInPlace()
    {
        try
        {
            if (CancelInPlace()) return true;
            _awaitedError = ExceptionDispatchInfo.Capture(new FutureCanceledException());
        }
        catch (Exception cleanupError)
        {
            _awaitedError = ExceptionDispatchInfo.Capture(cleanupError);
        }
        return false;
    }

    bool IAwaitedChild.TryFinishCancel(ref Context cx)
    {
        try
        {
            if (Poll(ref cx).IsPending) return false;
            _awaitedError = ExceptionDispatchInfo.Capture(new FutureCanceledException()); // its value means nothing
        }
        catch (Exception cleanupError)
        {
            _awaitedError = ExceptionDispatchInfo.Capture(cleanupError);
        }
        return true;
    }

    // A builder other than Future's awaited this future (see FutureAwaiter.UnsafeOnCompleted): the await throws.
    internal void FaultAwait(Exception error) =>
        _awaitedError = ExceptionDispatchInfo.Capture(ExceptionDispatchInfo.SetCurrentStackTrace(error));

    internal T TakeAwaitedResult()
    {
        var error = _awaitedError;
        _awaitedError = null;
        error?.Throw();
        var value = _awaitedValue!;
        _awaitedValue = default;
        return value;
    }
}

/// <summary>A boxed future without a result: the return type of <c>[PollAsync] async Future</c> methods.</summary>
[AsyncMethodBuilder(typeof(FutureMethodBuilder))]
public abstract partial class Future : Future<Unit>
{
    /// <summary>Boxes a struct future once, e.g. to spawn it or to return it as a <see cref="Future{T}"/>.</summary>
    public static Future<T> Box<TFuture, T>(TFuture future) where TFuture : struct, IFuture<T> =>
        new FutureBox<TFuture, T>(future);
}
