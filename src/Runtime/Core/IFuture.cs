namespace AsyncGen;

/// <summary>
/// A value that will be produced later, advanced by polling (Rust's <c>Future</c> trait).
/// </summary>
/// <remarks>
/// <para>A future is lazy: nothing runs before the first <see cref="Poll"/>. Once polled it must not be copied
/// (it is polled by <c>ref</c>); the runtime and generated code never copy a polled future.</para>
/// <para><see cref="Poll"/> returns <see cref="Poll{T}.Pending"/> only after arranging for
/// <see cref="Context.Waker"/> to be woken when progress is possible; only the waker of the most recent poll
/// must be woken. Polling after <c>Ready</c> throws <see cref="InvalidOperationException"/>.</para>
/// <para>Disposing a future is cancellation (Rust's drop): it runs the cleanup of the suspended computation.
/// Futures that own nothing need not implement <see cref="IDisposable.Dispose"/>: the default does nothing.</para>
/// </remarks>
/// <typeparam name="T">The result type; <see cref="Unit"/> for futures without a result.</typeparam>
public interface IFuture<T> : IDisposable
{
    /// <summary>Advances the future: <c>Ready(value)</c> when done, otherwise <c>Pending</c> with the waker registered.</summary>
    Poll<T> Poll(ref Context cx);

    /// <summary>Cancels the future. The default, for futures that own nothing, does nothing.</summary>
    void IDisposable.Dispose() { }

    /// <summary>
    /// Cancels the future for a caller that can wait for its cleanup, as an <c>async Task</c> awaiting a cancelled
    /// child waits for the child's <c>finally</c> blocks: like <see cref="IDisposable.Dispose"/>, it runs the cleanup
    /// that completes at once; cleanup that may have to wait (a <c>finally</c> block that awaits) it leaves to the
    /// caller and returns true (such cleanup often completes at the first poll, without waiting). The caller then polls the future until it is ready (its value means nothing; what it throws is
    /// the cleanup's exception, which replaced the cancellation), or disposes it to cut the rest short. False: the
    /// future is finished, as after <see cref="IDisposable.Dispose"/>.
    /// </summary>
    /// <remarks>
    /// <para>Generated <c>[PollAsync]</c> machines implement it (and <see cref="ICancelInPlace"/>): a parent cancelling
    /// in place polls its child's cleanup before it runs its own finally blocks, so a call tree cleans up innermost
    /// first and, if it has to wait, detaches once, as a whole. <see cref="Future.Select{T1, T2}"/>,
    /// <see cref="Time.Timeout{T}(IFuture{T}, TimeSpan)"/> and an aborted task cancel this way.</para>
    /// <para>The default disposes and returns false: a future whose <see cref="IDisposable.Dispose"/> never has to
    /// wait needs nothing more.</para>
    /// </remarks>
    bool CancelInPlace()
    {
        Dispose();
        return false;
    }
}
