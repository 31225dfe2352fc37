namespace AsyncGen.Drivers.IoUring;

/// <summary>
/// Bytes a multishot receive left in provided buffer <see cref="BufferId"/> of <see cref="Buffers"/> (the ring of the
/// instance the receive was armed on), not yet copied to a reader.
/// </summary>
internal struct ReceivedChunk(ProvidedBufferRing buffers, ushort bufferId, int length)
{
    public readonly ProvidedBufferRing Buffers = buffers;
    public readonly ushort BufferId = bufferId;
    public readonly int Length = length;
    public int Consumed;
}
