using System.Diagnostics.Tracing;
using System.Net.Sockets;
using AsyncGen.Net;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>The seed's section 6 as runtime events: poll → would block → register → Pending → epoll_wait → wake → poll → Ready.</summary>
[Collection(SerialCollection.Name)]
public class ReadTraceTests
{
    /// <summary>Records the AsyncGen events of one descriptor, plus epoll_wait returns, while it is armed.</summary>
    private sealed class ReadFlowListener : EventListener
    {
        private readonly List<string> _events = [];
        public int Fd = -1;
        public readonly ManualResetEventSlim ReadIsPending = new();

        public IReadOnlyList<string> Events
        {
            get { lock (_events) return _events.ToArray(); }
        }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Verbose);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (Fd < 0 || e.EventSource.Name != "AsyncGen") return;
            var payload = e.Payload!;
            string? line = e.EventName switch
            {
                "OperationPolled" when Is(payload[1]) => $"poll #{payload[2]} {payload[0]}",
                "WouldBlock" when Is(payload[1]) => "would block",
                "InterestRegistered" when Is(payload[0]) => $"register {payload[1]}",
                "OperationPending" when Is(payload[1]) => "Pending",
                "EpollWaitReturned" => $"epoll_wait {payload[1]} event(s)",
                "WakerWoken" when Is(payload[0]) => $"wake {payload[1]}",
                "OperationReady" when Is(payload[1]) => $"Ready({payload[3]}) after {payload[2]} polls",
                _ => null,
            };
            if (line is null) return;
            lock (_events) _events.Add(line);
            if (line == "Pending") ReadIsPending.Set();
        }

        private bool Is(object? fd) => fd is int value && value == Fd;
    }

    private static async Future<int> ReadOnce(AsyncTcpListener listener, ReadFlowListener trace)
    {
        using var server = await listener.AcceptAsync();
        trace.Fd = server.Fd;
        return await server.ReadAsync(new byte[64]);
    }

    [Fact]
    public void One_read_on_loopback_takes_two_polls_around_one_epoll_wait()
    {
        using var trace = new ReadFlowListener();
        using var listener = Loopback.Listen();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint);
        // The peer sends once the read has parked, so the first poll always finds the socket empty.
        var sender = new Thread(() =>
        {
            trace.ReadIsPending.Wait();
            peer.Send("hello"u8);
        });
        sender.Start();

        // The readiness flow of the seed is the epoll driver's; io_uring's completion flow has no would-block.
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.Epoll });
        int read = executor.BlockOn(ReadOnce(listener, trace), TimeSpan.FromSeconds(30));
        sender.Join();

        Assert.Equal(5, read);
        Assert.Equal(
            [
                "poll #1 read", "would block", "register readable", "Pending",
                "epoll_wait 1 event(s)", "wake readable",
                "poll #2 read", "Ready(5) after 2 polls",
            ],
            trace.Events);
    }
}
