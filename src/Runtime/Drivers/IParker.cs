namespace AsyncGen.Drivers;

/// <summary>
/// How an executor thread waits when it has no ready task: until another thread unparks it, an I/O event arrives
/// or the next timer deadline passes. Every <see cref="IIoDriver"/> is one; <see cref="ThreadParker"/> is the monitor wait the
/// portable driver parks in (its I/O completes on other threads).
/// </summary>
internal interface IParker : IDisposable
{
    /// <summary>
    /// Blocks the calling (executor) thread for at most <paramref name="timeoutMs"/> milliseconds
    /// (<see cref="Timeout.Infinite"/> = no deadline, 0 = do not block), dispatching any I/O readiness to wakers
    /// before returning. Returns at once if <see cref="Unpark"/> was called since the previous park.
    /// </summary>
    void Park(int timeoutMs);

    /// <summary>
    /// Whether a <see cref="Park"/> that does not block would dispatch completions now, told without a system call
    /// (an io_uring ring: its CQ or the kernel's pending-work flag). False when the parker cannot tell that cheaply.
    /// Called by the parking thread.
    /// </summary>
    bool HasCompletionWork => false;

    /// <summary>Makes the current or next <see cref="Park"/> return. Thread-safe, idempotent, allocation-free.</summary>
    void Unpark();
}
