namespace AsyncGen;

// Combinators (futures-rs `join`, `join_all`, `select`; tokio `yield_now`). They hold their children as IFuture<T>:
// a heap future (Future<T>, a JoinHandle) is used as is, a struct future is boxed once when passed in. The
// combinator futures themselves are structs, so a generated machine embeds them without allocating.
public abstract partial class Future
{
    /// <summary>
    /// Runs two futures concurrently within one task and completes with both results (futures' <c>join</c>).
    /// </summary>
    /// <remarks>Each poll polls every side that is not done yet, first to last. If a side throws, the other is
    /// cancelled and the exception propagates once its cleanup ended (its <c>finally</c> blocks that await included), as
    /// <c>await Task.WhenAll</c> over tasks cancelled on the first failure does; a cleanup exception thrown after it is
    /// counted in <see cref="CancelledCleanup.JoinCleanupFailed"/> and reported as unobserved. A parent cancelled while it awaits the
    /// join waits for both sides' cleanup the same way; disposing the join disposes both sides without waiting.</remarks>
    public static JoinFuture<T1, T2> Join<T1, T2>(IFuture<T1> first, IFuture<T2> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new JoinFuture<T1, T2>(new JoinSide<T1>(first), new JoinSide<T2>(second));
    }

    /// <summary>Runs three futures concurrently within one task and completes with all three results.</summary>
    /// <remarks>Same rules as <see cref="Join{T1, T2}"/>: the first exception cancels the sides still running.</remarks>
    public static JoinFuture<T1, T2, T3> Join<T1, T2, T3>(IFuture<T1> first, IFuture<T2> second, IFuture<T3> third)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(third);
        return new JoinFuture<T1, T2, T3>(new JoinSide<T1>(first), new JoinSide<T2>(second), new JoinSide<T3>(third));
    }

    /// <summary>
    /// Runs every future of <paramref name="futures"/> concurrently within one task and completes with their results
    /// in the same order (futures' <c>join_all</c>).
    /// </summary>
    /// <remarks>Same rules as <see cref="Join{T1, T2}"/>. Each poll visits every pending future, so prefer spawning
    /// tasks when there are thousands of them.</remarks>
    public static JoinAllFuture<T> JoinAll<T>(IEnumerable<IFuture<T>> futures)
    {
        ArgumentNullException.ThrowIfNull(futures);
        var sides = futures.Select(future => new JoinSide<T>(future ?? throw new ArgumentException("A future is null.", nameof(futures)))).ToArray();
        return new JoinAllFuture<T>(sides);
    }

    /// <summary>
    /// Waits for every task of <paramref name="handles"/> and completes with their results in the same order (as
    /// <c>await Task.WhenAll(tasks)</c>).
    /// </summary>
    /// <remarks>The overload for a <c>List&lt;JoinHandle&lt;T&gt;&gt;</c>: <see cref="JoinHandle{T}"/> is a struct, so
    /// C# does not convert such a list to <c>IEnumerable&lt;IFuture&lt;T&gt;&gt;</c> and <see cref="JoinAll{T}(IEnumerable{IFuture{T}})"/>
    /// alone failed with CS0411. Same rules as that one: the first exception aborts the tasks still running and
    /// propagates once they ended, their cleanup included (see <see cref="JoinHandle{T}.CancelInPlace"/>); disposing the
    /// join aborts them without waiting.</remarks>
    public static JoinAllFuture<T> JoinAll<T>(IEnumerable<JoinHandle<T>> handles)
    {
        ArgumentNullException.ThrowIfNull(handles);
        var sides = handles.Select(static handle => new JoinSide<T>(handle)).ToArray();
        return new JoinAllFuture<T>(sides);
    }

    /// <summary>
    /// Completes with the result of whichever future is ready first and <b>disposes the other</b> (cancellation by
    /// drop: its <c>finally</c> blocks run). <paramref name="first"/> is polled first, so it wins a tie.
    /// </summary>
    /// <remarks>An exception from either side also ends the select: the other side is disposed and the exception
    /// propagates. Disposing the select disposes both.</remarks>
    public static SelectFuture<T1, T2> Select<T1, T2>(IFuture<T1> first, IFuture<T2> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new SelectFuture<T1, T2>(first, second);
    }

    /// <summary>
    /// A future that returns <c>Pending</c> once, after waking its own task, so the executor runs every other ready
    /// task before resuming this one (tokio's <c>yield_now</c>).
    /// </summary>
    public static YieldFuture Yield() => default;
}
