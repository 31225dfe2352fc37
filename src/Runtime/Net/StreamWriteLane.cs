using System.Diagnostics;

namespace AsyncGen.Net;

/// <summary>The write direction of <see cref="AsyncTcpStreamAdapter"/>: each request is one <see cref="WriteAllFuture"/>.</summary>
[DebuggerDisplay("Write lane of an AsyncTcpStream")]
internal sealed class StreamWriteLane(AsyncTcpStream stream) : StreamLane(stream)
{
    private ReadOnlyMemory<byte> _buffer;
    private WriteAllFuture _write;
    private bool _started;

    protected override string Direction => "Write";

    /// <summary>Caller side, any thread: writes all of <paramref name="buffer"/> on the lane's executor.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken token)
    {
        Claim();
        _buffer = buffer;
        return new ValueTask(this, Submit(token));
    }

    protected override void StartOperation()
    {
        _write = Stream.WriteAllAsync(_buffer);
        _started = true;
    }

    protected override Poll<int> PollOperation(ref Context cx) =>
        _write.Poll(ref cx).IsReady ? Poll<int>.Ready(0) : Poll<int>.Pending;

    protected override void EndOperation()
    {
        if (_started) _write.Dispose();
        _started = false;
        _write = default;
        _buffer = default;
    }
}
