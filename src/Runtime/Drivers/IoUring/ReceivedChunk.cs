namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// Bytes a multishot receive left in provided buffer <see cref="BufferId"/> of <see cref="From"/>'s buffer ring (the
/// instance the receive was armed on), not yet copied to a reader. The instance, not only its buffers: recycling the
/// buffer may have to wake that ring's worker (<see cref="IoUringInstance.Recycle"/>).
/// </summary>
internal struct ReceivedChunk(IoUringInstance from, ushort bufferId, int length)
{
    public readonly IoUringInstance From = from;
    public readonly ushort BufferId = bufferId;
    public readonly int Length = length;
    public int Consumed;
}
