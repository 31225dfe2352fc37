using System.Net.Sockets;
using AsyncGen.Net;
using AsyncGen.Sync;

namespace AsyncGen.Samples.EchoServer;

/// <summary>
/// The echo loop of <see cref="EchoHandlers.Echo"/> as an explicit state machine (what the generator emits for it),
/// so the benchmark can show the runtime's cost without the fallback builder's per-await boxing.
/// </summary>
internal sealed class HandWrittenEcho(AsyncTcpStream stream, SemaphorePermit permit) : IFuture<Unit>
{
    private readonly byte[] _buffer = new byte[4096];
    private ReadFuture _read;
    private WriteAllFuture _write;
    private bool _started;
    private bool _writing;
    private bool _closed;

    public Poll<Unit> Poll(ref Context cx)
    {
        try
        {
            if (!_started)
            {
                _started = true;
                _read = stream.ReadAsync(_buffer);
            }
            while (true)
            {
                if (!_writing)
                {
                    var read = _read.Poll(ref cx);
                    if (read.IsPending) return Poll<Unit>.Pending;
                    if (read.Value == 0) return Done();
                    _write = stream.WriteAllAsync(_buffer.AsMemory(0, read.Value));
                    _writing = true;
                }
                if (_write.Poll(ref cx).IsPending) return Poll<Unit>.Pending;
                _writing = false;
                _read = stream.ReadAsync(_buffer);
            }
        }
        catch (SocketException)
        {
            return Done(); // the client reset the connection
        }
    }

    private Poll<Unit> Done()
    {
        Close();
        return Poll<Unit>.Ready(default);
    }

    public void Dispose()
    {
        if (_writing) _write.Dispose();
        else _read.Dispose();
        Close();
    }

    private void Close()
    {
        if (_closed) return;
        _closed = true; // the permit must go back exactly once
        stream.Dispose();
        permit.Dispose();
    }
}
