namespace AsyncGen;

/// <summary>
/// Receives the wake-ups of the <see cref="Waker"/>s it hands out: an executor's task table, or a test double.
/// </summary>
public interface IWakeTarget
{
    /// <summary>
    /// Schedules the task at <paramref name="slot"/> if it still has <paramref name="generation"/>; otherwise the
    /// waker is stale and nothing happens. Must be thread-safe, idempotent and allocation-free.
    /// </summary>
    void Wake(int slot, int generation);
}
