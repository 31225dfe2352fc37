using System.Diagnostics.Tracing;
using System.Net.Sockets;
using AsyncGen.Net;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>
/// On the epoll driver a short read of a stream socket drained it, so its readiness is cleared at once: the next read
/// waits for the next epoll edge without a <c>recv</c> that returns EAGAIN (one syscall less per echo round trip).
/// </summary>
[Collection(SerialCollection.Name)]
public class ShortReadTests
{
    /// <summary>Counts would-blocks (a receive that returned EAGAIN) and Pending reads of one descriptor.</summary>
    private sealed class ReadCounter : EventListener
    {
        public int Fd = -1;
        public int WouldBlocks;
        public int Pendings;
        public readonly ManualResetEventSlim ReadIsPending = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Verbose);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (Fd < 0 || e.EventSource.Name != "AsyncGen") return;
            var payload = e.Payload!;
            if (e.EventName == "WouldBlock" && Is(payload[1])) Interlocked.Increment(ref WouldBlocks);
            if (e.EventName == "OperationPending" && Is(payload[1]))
            {
                Interlocked.Increment(ref Pendings);
                ReadIsPending.Set();
            }
        }

        private bool Is(object? fd) => fd is int value && value == Fd;
    }

    private static async Future<(int First, int Second)> ReadTwice(AsyncTcpListener listener, ReadCounter counter, int bufferSize)
    {
        using var server = await listener.AcceptAsync();
        counter.Fd = server.Fd;
        var buffer = new byte[bufferSize];
        int first = await server.ReadAsync(buffer);
        int second = await server.ReadAsync(buffer);
        return (first, second);
    }

    private static (int First, int Second) Run(AsyncTcpListener listener, ReadCounter counter, int bufferSize)
    {
        // The readiness flow is the epoll driver's; io_uring completes stream reads from its completion queue.
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.Epoll });
        return executor.BlockOn(ReadTwice(listener, counter, bufferSize), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void After_a_short_read_the_next_read_waits_for_epoll_without_a_receive_that_would_block()
    {
        using var counter = new ReadCounter();
        using var listener = Loopback.Listen();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint);
        peer.Send("hello"u8);
        // The second message goes out only once the second read parked, so it must be woken by epoll.
        var sender = new Thread(() =>
        {
            counter.ReadIsPending.Wait();
            peer.Send("world!"u8);
        });
        sender.Start();

        var (first, second) = Run(listener, counter, bufferSize: 64);
        sender.Join();

        Assert.Equal(5, first);
        Assert.Equal(6, second);
        Assert.Equal(1, counter.Pendings);
        Assert.Equal(0, counter.WouldBlocks);
    }

    [Fact]
    public void A_read_that_fills_the_buffer_keeps_readiness_and_the_next_read_completes_at_once()
    {
        using var counter = new ReadCounter();
        using var listener = Loopback.Listen();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint);
        // On loopback the bytes are in the server's receive queue once Send returns: both reads find them.
        peer.Send("0123456789"u8);

        var (first, second) = Run(listener, counter, bufferSize: 5);

        Assert.Equal(5, first);
        Assert.Equal(5, second);
        Assert.Equal(0, counter.Pendings);
    }

    [Fact]
    public void End_of_stream_after_a_short_read_is_still_seen()
    {
        using var counter = new ReadCounter();
        using var listener = Loopback.Listen();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint);
        peer.Send("hello"u8);
        peer.Shutdown(SocketShutdown.Send);

        var (first, second) = Run(listener, counter, bufferSize: 64);

        Assert.Equal(5, first);
        Assert.Equal(0, second);
    }
}
