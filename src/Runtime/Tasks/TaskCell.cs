namespace AsyncGen.Tasks;

/// <summary>Turns the future an executor is asked to spawn into its task cell.</summary>
internal static class TaskCell
{
    /// <summary>
    /// The future itself when it is a box that was never spawned (one allocation per task: the box the caller
    /// already made); otherwise a new box holding a reference to it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The future was spawned before.</exception>
    public static ITaskCell<T> Claim<T>(IFuture<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        if (future is ITaskCell<T> cell)
        {
            if (cell.TryBind()) return cell;
            throw new InvalidOperationException(
                $"The future {cell.Name} was already spawned; await (or abort) the JoinHandle that Spawn returned instead.");
        }
        ITaskCell<T> boxed = new FutureBox<FutureRef<T>, T>(new FutureRef<T>(future));
        boxed.TryBind();
        return boxed;
    }
}
