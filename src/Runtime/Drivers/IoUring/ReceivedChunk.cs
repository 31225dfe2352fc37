namespace AsyncGen.Drivers.IoUring;

/// <summary>Bytes a multishot receive left in provided buffer <see cref="BufferId"/>, not yet copied to a reader.</summary>
internal struct ReceivedChunk(ushort bufferId, int length)
{
    public readonly ushort BufferId = bufferId;
    public readonly int Length = length;
    public int Consumed;
}
