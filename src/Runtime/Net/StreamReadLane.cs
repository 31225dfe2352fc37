using System.Diagnostics;

namespace AsyncGen.Net;

/// <summary>The read direction of <see cref="AsyncTcpStreamAdapter"/>: each request is one <see cref="ReadFuture"/>.</summary>
[DebuggerDisplay("Read lane of an AsyncTcpStream")]
internal sealed class StreamReadLane(AsyncTcpStream stream) : StreamLane(stream)
{
    private Memory<byte> _buffer;
    private ReadFuture _read;
    private bool _started;

    protected override string Direction => "Read";

    /// <summary>Caller side, any thread: reads into <paramref name="buffer"/> on the lane's executor.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken token)
    {
        Claim();
        _buffer = buffer;
        return new ValueTask<int>(this, Submit(token));
    }

    protected override void StartOperation()
    {
        _read = Stream.ReadAsync(_buffer);
        _started = true;
    }

    protected override Poll<int> PollOperation(ref Context cx) => _read.Poll(ref cx);

    protected override void EndOperation()
    {
        if (_started) _read.Dispose(); // a read that completed: a no-op; a pending one: deregistered, nothing read
        _started = false;
        _read = default;
        _buffer = default;
    }
}
