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
}
