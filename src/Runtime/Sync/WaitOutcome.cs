namespace AsyncGen.Sync;

/// <summary>What happened to an entry of a <see cref="WaiterQueue"/> while its future was away.</summary>
internal enum WaitOutcome : byte
{
    /// <summary>Still queued: the waker will be woken when the entry is served.</summary>
    Waiting,

    /// <summary>Served: the resource (permits, a notification) was handed to the entry and is now its future's.</summary>
    Granted,

    /// <summary>The primitive was closed: nothing was handed over.</summary>
    Closed,

    /// <summary>Released by a broadcast (<see cref="Notify.NotifyAll"/>): nothing to hand back if dropped.</summary>
    Broadcast,
}
