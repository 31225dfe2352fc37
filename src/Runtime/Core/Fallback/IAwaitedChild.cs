namespace AsyncGen.Fallback;

/// <summary>A future awaited by a fallback state machine: polled by the machine's box, outcome kept for GetResult.</summary>
internal interface IAwaitedChild
{
    /// <summary>Polls once; true when the outcome (value or exception) is stored for the awaiter.</summary>
    bool TryComplete(ref Context cx);

    /// <summary>Disposes the child and stores a <see cref="FutureCanceledException"/> as its outcome.</summary>
    void Cancel();
}
