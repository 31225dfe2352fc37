namespace AsyncGen;

/// <summary>Opt-in flow of the <see cref="ExecutionContext"/> into futures and spawned tasks.</summary>
public static class ExecutionContextFlow
{
    /// <summary>
    /// Captures the current <see cref="ExecutionContext"/> and returns a future that polls
    /// <paramref name="future"/> inside it: spawn the result to have <c>AsyncLocal</c> values, logging scopes and
    /// <c>Activity.Current</c> flow into the task. See <see cref="ExecutionContextFuture{T}"/> for the costs.
    /// </summary>
    public static ExecutionContextFuture<T> WithExecutionContext<T>(this IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        return future as ExecutionContextFuture<T> ?? new ExecutionContextFuture<T>(future);
    }
}
