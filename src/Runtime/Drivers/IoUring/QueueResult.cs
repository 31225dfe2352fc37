namespace AsyncGen.Drivers.IoUring;

/// <summary>What <see cref="IoUringRing.TryQueue"/> did with an SQE.</summary>
internal enum QueueResult
{
    /// <summary>Written and published; the next enter submits it.</summary>
    Queued,

    /// <summary>The SQ is full: an enter must make room first.</summary>
    Full,

    /// <summary>A worker ring that retired (its worker drained it before ending): queue elsewhere.</summary>
    Closed,
}
