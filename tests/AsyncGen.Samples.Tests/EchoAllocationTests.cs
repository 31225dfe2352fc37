using System.Net;
using System.Net.Sockets;
using AsyncGen.Net;
using AsyncGen.Samples.EchoServer;
using AsyncGen.Sync;

namespace AsyncGen.Samples.Tests;

/// <summary>
/// The tcp_echo hot path allocates nothing: samples/EchoServer's own accept loop and generated <c>Echo</c> handlers
/// run in-process on one <see cref="LocalExecutor"/> thread, 100 blocking clients send rounds of 64-byte requests, and
/// the bytes that thread allocated across the measured rounds (read on that thread by a probe task) are 0. Every
/// request is a read that parks in the driver, a wake, a re-poll, a receive and a send.
/// </summary>
[Collection(FallbackSwitchCollection.Name)]
public class EchoAllocationTests
{
    private const int Connections = 100;
    private const int MessageSize = 64;

    [Theory]
    [InlineData(IoDriverKind.Epoll)]
    [InlineData(IoDriverKind.IoUring)]
    [InlineData(IoDriverKind.Portable)]
    public void Echo_requests_in_steady_state_allocate_nothing_on_the_server_thread(IoDriverKind driver)
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var probe = new AllocationProbe();
        Exception? serverFailure = null;
        var server = new Thread(() =>
        {
            try
            {
                using var executor = new LocalExecutor(new DriverOptions { Driver = driver });
                // Serve is called from this assembly, so it starts on the fallback builder (one box per accept, not
                // per request); the Echo handlers it spawns are called inside the sample: generated machines.
                executor.Spawn(EchoHandlers.Serve(listener, new AsyncSemaphore(Connections), handWritten: false));
                executor.BlockOn(probe);
            }
            catch (Exception error)
            {
                serverFailure = error;
                probe.Abandon();
            }
        }) { IsBackground = true, Name = "echo server" };
        server.Start();

        var clients = new Socket[Connections];
        try
        {
            for (int i = 0; i < Connections; i++)
            {
                clients[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                clients[i].Connect(listener.LocalEndPoint);
            }
            Rounds(clients, 0, 200); // warm up: every connection accepted, every method jitted
            // Up to three windows of Connections * Measured = 15,000 requests; one must allocate exactly 0 B. A
            // per-request (or every-thousandth-request) allocation shows in every window; what one window alone may
            // see is one-time work that a loaded machine pushed past the warm-up (1 run in ~8 saw 64 B under load
            // average 20-40: a rarely taken path initialising something the first time), which is not the hot path.
            const int Measured = 150;
            var windows = new List<long>();
            for (int window = 0; window < 3 && (windows.Count == 0 || windows[^1] != 0); window++)
            {
                long before = probe.Sample();
                Rounds(clients, 200 + window * Measured, Measured);
                windows.Add(probe.Sample() - before);
            }
            Assert.True(serverFailure is null, $"the server failed: {serverFailure}");
            Assert.True(windows[^1] == 0, $"every window of {Connections * Measured:N0} requests allocated on the server thread: {string.Join(", ", windows)} B");
        }
        finally
        {
            foreach (var client in clients) client?.Dispose();
            probe.Stop();
            Assert.True(server.Join(TimeSpan.FromSeconds(30)), "the server thread did not stop");
        }
        Assert.True(serverFailure is null, $"the server failed: {serverFailure}");
    }

    /// <summary>Each round sends one request on every connection, then reads every echo back whole and checks it.</summary>
    private static void Rounds(Socket[] clients, int first, int count)
    {
        var request = new byte[MessageSize];
        var echo = new byte[MessageSize];
        for (int round = first; round < first + count; round++)
        {
            for (int i = 0; i < clients.Length; i++)
            {
                request[0] = (byte)round;
                request[1] = (byte)i;
                clients[i].Send(request);
            }
            for (int i = 0; i < clients.Length; i++)
            {
                for (int read = 0; read < MessageSize;)
                {
                    int n = clients[i].Receive(echo, read, MessageSize - read, SocketFlags.None);
                    if (n == 0) throw new EndOfStreamException($"connection {i} closed in round {round}");
                    read += n;
                }
                Assert.Equal((byte)round, echo[0]);
                Assert.Equal((byte)i, echo[1]);
            }
        }
    }

    /// <summary>
    /// A task on the server executor that, when woken from the test thread, reads
    /// <see cref="GC.GetAllocatedBytesForCurrentThread"/> there; its own polls allocate nothing.
    /// </summary>
    private sealed class AllocationProbe : IFuture<Unit>
    {
        private const int SampleRequest = 1;
        private const int StopRequest = 2;

        private readonly Lock _wakerLock = new();   // a Waker is three fields: no torn read by the waking thread
        private readonly ManualResetEventSlim _polled = new();
        private Waker _waker;
        private int _request;
        private long _bytes;

        public Poll<Unit> Poll(ref Context cx)
        {
            lock (_wakerLock) _waker = cx.Waker;
            int request = Interlocked.Exchange(ref _request, 0);
            if (request == StopRequest) return Poll<Unit>.Ready(default);
            if (request == SampleRequest) Volatile.Write(ref _bytes, GC.GetAllocatedBytesForCurrentThread());
            _polled.Set();
            return Poll<Unit>.Pending;
        }

        /// <summary>The server thread's allocated bytes, read on that thread now.</summary>
        public long Sample()
        {
            Ask(SampleRequest);
            return Volatile.Read(ref _bytes);
        }

        public void Stop() => Ask(StopRequest);

        /// <summary>The server thread ended: nobody will poll the probe again.</summary>
        public void Abandon() => _polled.Set();

        private void Ask(int request)
        {
            Assert.True(_polled.Wait(TimeSpan.FromSeconds(30)), "the probe was never polled");
            _polled.Reset();
            Volatile.Write(ref _request, request);
            Waker waker;
            lock (_wakerLock) waker = _waker;
            waker.Wake();
            if (request == SampleRequest) Assert.True(_polled.Wait(TimeSpan.FromSeconds(30)), "the probe was not polled after its wake");
        }

        public void Dispose() => _polled.Dispose();
    }
}
