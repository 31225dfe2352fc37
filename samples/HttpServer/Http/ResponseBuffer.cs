using System.Buffers;

namespace AsyncGen.Samples.HttpServer.Http;

/// <summary>
/// The responses of one read's worth of requests, back to back, sent with one write: the bytes written so far and
/// room for more. Grows by doubling and keeps its size, so a connection's steady state allocates nothing.
/// </summary>
internal sealed class ResponseBuffer : IBufferWriter<byte>
{
    /// <summary>4 KiB: 16 pipelined plaintext responses (≈ 140 B each) fit with room to spare.</summary>
    private const int InitialSize = 4 * 1024;

    private byte[] _bytes = new byte[InitialSize];
    private int _count;

    /// <summary>What has been written since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Written => _bytes.AsMemory(0, _count);

    public int Count => _count;

    public void Clear() => _count = 0;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _count += bytes.Length;
    }

    public void Advance(int count) => _count += count;

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureFree(Math.Max(sizeHint, 1));
        return _bytes.AsSpan(_count);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureFree(Math.Max(sizeHint, 1));
        return _bytes.AsMemory(_count);
    }

    private void EnsureFree(int size)
    {
        if (_bytes.Length - _count >= size) return;
        Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _count + size));
    }
}
