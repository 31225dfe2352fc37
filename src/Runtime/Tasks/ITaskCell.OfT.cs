namespace AsyncGen.Tasks;

/// <summary>A task cell with its result type: what a <see cref="JoinHandle{T}"/> holds.</summary>
internal interface ITaskCell<T> : ITaskCell
{
    /// <summary>The cell as a heap future whose poll is the join handle's (for the fallback path's awaiter).</summary>
    Future<T> AsFuture();

    /// <summary>
    /// Claims a future that was never spawned; false if an executor already owns it. <paramref name="scheduled"/>:
    /// it starts Scheduled and the caller queues it, instead of Idle until its first wake.
    /// </summary>
    bool TryBind(bool scheduled);

    /// <summary>Aborts a task whose handle (or set) is let go of: no one will wait for its cleanup (<see cref="TaskState.Unjoined"/>). Any thread.</summary>
    void AbortUnjoined();

    /// <summary>The joiner aborts the task and waits for it to end (see <see cref="JoinHandle{T}.CancelInPlace"/>). Any thread.</summary>
    bool CancelJoinInPlace();

    /// <summary>The join handle's poll: Ready with the outcome once complete.</summary>
    Poll<T> PollJoin(ref Context cx);

    /// <summary>
    /// Becomes the task's joiner without taking its outcome: <paramref name="waker"/> is woken when it completes.
    /// False if it already completed (nothing stored). The outcome is then taken through <see cref="PollJoin"/>.
    /// </summary>
    bool WatchCompletion(in Waker waker);
}
