namespace AsyncGen.Fallback;

/// <summary>A future awaited by a fallback state machine: polled by the machine's box, outcome kept for GetResult.</summary>
internal interface IAwaitedChild
{
    /// <summary>Polls once; true when the outcome (value or exception) is stored for the awaiter.</summary>
    bool TryComplete(ref Context cx);

    /// <summary>Disposes the child and stores a <see cref="FutureCanceledException"/> as its outcome.</summary>
    void Cancel();

    /// <summary>
    /// Cancels the child in place (<see cref="IFuture{T}.CancelInPlace"/>): true when its cleanup waits, which
    /// <see cref="TryFinishCancel"/> polls; otherwise, as after <see cref="Cancel"/>, its outcome is stored.
    /// </summary>
    bool CancelInPlace();

    /// <summary>
    /// Polls the cleanup <see cref="CancelInPlace"/> left waiting; true once it ended, with a
    /// <see cref="FutureCanceledException"/> (or the cleanup's exception, which replaced it) stored as the outcome.
    /// </summary>
    bool TryFinishCancel(ref Context cx);
}
