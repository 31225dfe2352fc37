namespace AsyncGen.Tasks;

/// <summary>Turns the future an executor is asked to spawn into its task cell.</summary>
internal static class TaskCell
{
    /// <summary>
    /// The future itself when it is a box that was never spawned (one allocation per task: the box the caller
    /// already made); otherwise a new box holding a reference to it.
    /// </summary>
    /// <param name="future">The future to spawn.</param>
    /// <param name="scheduled">False: the cell starts Idle and the executor wakes it. True: it starts Scheduled, and
    /// the executor queues it itself (a spawn on the executor's own thread needs no wake).</param>
    /// <exception cref="InvalidOperationException">The future was spawned before.</exception>
    public static ITaskCell<T> Claim<T>(IFuture<T> future, bool scheduled = false)
    {
        ArgumentNullException.ThrowIfNull(future);
        if (future is ITaskCell<T> cell)
        {
            if (cell.TryBind(scheduled)) return cell;
            throw new InvalidOperationException(
                $"The future {cell.Name} was already spawned; await (or abort) the JoinHandle that Spawn returned instead.");
        }
        ITaskCell<T> boxed = new FutureBox<FutureRef<T>, T>(new FutureRef<T>(future));
        boxed.TryBind(scheduled);
        return boxed;
    }
}
