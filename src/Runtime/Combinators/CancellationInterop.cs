namespace AsyncGen;

/// <summary>
/// Bridges <see cref="CancellationToken"/>s and futures: cancel a future with a token
/// (<see cref="WithCancellation{T}"/>), wait for a token (<see cref="AsFuture(CancellationToken)"/>), and start
/// Task-based work whose token is cancelled when the future is disposed (<c>FromTask</c>).
/// </summary>
/// <remarks>A future's own cancellation is <c>Dispose</c> (Rust's drop); these adapt it to and from .NET's
/// cooperative tokens.</remarks>
public static class CancellationInterop
{
    /// <summary>
    /// Runs <paramref name="future"/> until it completes or <paramref name="cancellationToken"/> is cancelled; on
    /// cancellation the future is disposed (its <c>finally</c> blocks run) and an
    /// <see cref="OperationCanceledException"/> carrying the token is thrown.
    /// </summary>
    /// <remarks>A struct future is boxed once when passed in, as for the other combinators.</remarks>
    public static CancellableFuture<T> WithCancellation<T>(this IFuture<T> future, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(future);
        return new CancellableFuture<T>(future, cancellationToken);
    }

    /// <summary>A future that completes once <paramref name="cancellationToken"/> is cancelled (never for a token
    /// that cannot be cancelled).</summary>
    public static CancellationFuture AsFuture(this CancellationToken cancellationToken) => new(cancellationToken);

    /// <summary>
    /// A future that, at its first poll, starts <paramref name="start"/> with a token it owns (linked to
    /// <paramref name="cancellationToken"/>) and waits for the Task; disposing the future before the Task
    /// completes cancels that token, so the Task's work stops instead of running on unobserved.
    /// </summary>
    public static CancelableTaskFuture<T> FromTask<T>(Func<CancellationToken, Task<T>> start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        return new CancelableTaskFuture<T>(start, cancellationToken);
    }

    /// <summary>
    /// As <see cref="FromTask{T}(Func{CancellationToken, Task{T}}, CancellationToken)"/>, for a Task without a
    /// result.
    /// </summary>
    public static CancelableTaskFuture<Unit> FromTask(Func<CancellationToken, Task> start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        return new CancelableTaskFuture<Unit>(token => WithUnitResult(start(token)), cancellationToken);
    }

    private static async Task<Unit> WithUnitResult(Task task)
    {
        await (task ?? throw new InvalidOperationException("The Task factory returned null.")).ConfigureAwait(false);
        return default;
    }
}
