using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>
/// Steady-state socket I/O allocates nothing: reads, writes, parking in epoll, wakes and re-polls. Measured on the
/// executor thread, around hand-written futures (the fallback <c>async</c> builder boxes per await by design).
/// </summary>
[Collection(SerialCollection.Name)]
public class AllocationTests
{
    private const int MessageSize = 64;

    /// <summary>Sends a message, reads its echo back whole, repeats; measures allocations between two rounds.</summary>
    private sealed class PingClient(AsyncTcpStream stream, int warmUpRounds, int measuredRounds) : IFuture<long>
    {
        private readonly byte[] _message = new byte[MessageSize];
        private readonly byte[] _echo = new byte[MessageSize];
        private WriteAllFuture _write;
        private ReadFuture _read;
        private int _state;   // 0: start a round, 1: writing, 2: reading
        private int _round;
        private int _received;
        private long _startBytes;

        public Poll<long> Poll(ref Context cx)
        {
            while (true)
            {
                switch (_state)
                {
                    case 0:
                        if (_round == warmUpRounds) _startBytes = GC.GetAllocatedBytesForCurrentThread();
                        if (_round == warmUpRounds + measuredRounds)
                        {
                            long allocated = GC.GetAllocatedBytesForCurrentThread() - _startBytes;
                            stream.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                            return Poll<long>.Ready(allocated);
                        }
                        _message[0] = (byte)_round;
                        _write = stream.WriteAllAsync(_message);
                        _state = 1;
                        break;
                    case 1:
                        if (_write.Poll(ref cx).IsPending) return Poll<long>.Pending;
                        _received = 0;
                        _read = stream.ReadAsync(_echo);
                        _state = 2;
                        break;
                    default:
                        var read = _read.Poll(ref cx);
                        if (read.IsPending) return Poll<long>.Pending;
                        if (read.Value == 0) throw new EndOfStreamException();
                        _received += read.Value;
                        if (_received < MessageSize)
                        {
                            _read = stream.ReadAsync(_echo.AsMemory(_received));
                            break;
                        }
                        if (_echo[0] != (byte)_round) throw new InvalidDataException($"round {_round}: wrong echo");
                        _round++;
                        _state = 0;
                        break;
                }
            }
        }
    }

    /// <summary>Echoes until end of stream.</summary>
    private sealed class EchoServer(AsyncTcpStream stream) : IFuture<int>
    {
        private readonly byte[] _buffer = new byte[MessageSize];
        private ReadFuture _read;
        private WriteAllFuture _write;
        private bool _writing;
        private bool _started;

        public Poll<int> Poll(ref Context cx)
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
                    if (read.IsPending) return Poll<int>.Pending;
                    if (read.Value == 0) return Poll<int>.Ready(0);
                    _write = stream.WriteAllAsync(_buffer.AsMemory(0, read.Value));
                    _writing = true;
                }
                if (_write.Poll(ref cx).IsPending) return Poll<int>.Pending;
                _writing = false;
                _read = stream.ReadAsync(_buffer);
            }
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Thousand_echo_round_trips_with_pending_reads_and_wakes_allocate_nothing(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        using var listener = Loopback.Listen();
        var (client, server) = executor.BlockOn(Loopback.Pair(listener));
        using (client)
        using (server)
        {
            client.NoDelay = true;
            server.NoDelay = true;
            var echo = executor.Spawn(new EchoServer(server));
            var ping = new PingClient(client, warmUpRounds: 200, measuredRounds: 1000);
            long waitsBefore = executor.Driver.Io.WaitCount;
            long allocated = executor.BlockOn(ping);
            Assert.Equal(0, allocated);
            // Every round parked in epoll_wait: the measured path includes Pending, the wait, the wake and the re-poll.
            // The portable driver's completions wake from thread-pool threads, so a wake may land while the executor
            // still polls the other task, and that round is re-polled without a park: some rounds park, not all.
            Assert.True(executor.Driver.Io.WaitCount - waitsBefore >= (driver == IoDriverKind.Portable ? 1 : 1200));
            executor.BlockOn(echo);
        }
    }
}
