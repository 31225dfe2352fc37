using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>No descriptor or registration outlives its socket: counted in /proc/self/fd.</summary>
[Collection(SerialCollection.Name)]
public class LeakTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);
    private const int MessageSize = 32;

    /// <summary>Answers one message, then closes first (so TIME_WAIT lands on the server side, not on client ports).</summary>
    private static async Future<int> AnswerOnceAndClose(AsyncTcpStream stream)
    {
        using (stream)
        {
            var buffer = new byte[MessageSize];
            int n = await Loopback.ReadFull(stream, buffer);
            await stream.WriteAllAsync(buffer.AsMemory(0, n));
            return n;
        }
    }

    private static async Future<int> Server(AsyncTcpListener listener, int connections)
    {
        for (int i = 0; i < connections; i++) _ = Executor.Spawn(AnswerOnceAndClose(await listener.AcceptAsync())); // detached
        return connections;
    }

    private static async Future<int> Client(System.Net.IPEndPoint server, int cycles)
    {
        var message = new byte[MessageSize];
        var echo = new byte[MessageSize + 1];
        for (int i = 0; i < cycles; i++)
        {
            message[0] = (byte)i;
            using var stream = await AsyncTcpStream.ConnectAsync(server);
            await stream.WriteAllAsync(message);
            Assert.Equal(MessageSize, await Loopback.ReadFull(stream, echo)); // the echo, then EOF
            Assert.Equal((byte)i, echo[0]);
        }
        return cycles;
    }

    private static async Future<int> ConnectEchoClose(int clients, int cyclesPerClient)
    {
        using var listener = Loopback.Listen();
        var server = Executor.Spawn(Server(listener, clients * cyclesPerClient));
        var handles = new JoinHandle<int>[clients];
        for (int c = 0; c < clients; c++) handles[c] = Executor.Spawn(Client(listener.LocalEndPoint, cyclesPerClient));
        int total = 0;
        foreach (var handle in handles) total += await handle;
        await server;
        return total;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Ten_thousand_connect_echo_close_cycles_leave_no_descriptor_behind(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        executor.BlockOn(ConnectEchoClose(clients: 2, cyclesPerClient: 5), s_limit); // warm up lazily opened runtime fds
        var before = Loopback.OpenDescriptors();

        Assert.Equal(10_000, executor.BlockOn(ConnectEchoClose(clients: 50, cyclesPerClient: 200), s_limit));

        AssertSameDescriptors(before);
        Assert.Equal(0, executor.Driver.Io.RegistrationCount);
    }

    private static async Future<int> ReadWithTimeout(AsyncTcpStream stream)
    {
        try
        {
            await Time.Timeout(stream.ReadAsync(new byte[16]), TimeSpan.FromMilliseconds(20));
            return 0;
        }
        catch (TimeoutException)
        {
            return 1; // Time.Timeout disposed the pending read
        }
    }

    private static async Future<int> DisposePendingReads(int count)
    {
        using var listener = Loopback.Listen(backlog: count);
        var streams = new List<AsyncTcpStream>();
        var reads = new List<JoinHandle<int>>();
        for (int i = 0; i < count; i++)
        {
            var (client, server) = await Loopback.Pair(listener);
            streams.Add(client);
            streams.Add(server);
            reads.Add(Executor.Spawn(ReadWithTimeout(server)));
        }
        int cancelled = 0;
        foreach (var read in reads) cancelled += await read;
        // Data arriving after the cancellation wakes nobody (the wakers were forgotten) and breaks nothing.
        foreach (var stream in streams) await stream.WriteAllAsync(new byte[1]);
        foreach (var stream in streams) stream.Dispose();
        return cancelled;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Thousand_disposed_pending_reads_leave_no_descriptor_or_registration_behind(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        executor.BlockOn(DisposePendingReads(2), s_limit);
        var before = Loopback.OpenDescriptors();

        Assert.Equal(1000, executor.BlockOn(DisposePendingReads(1000), s_limit));

        AssertSameDescriptors(before);
        Assert.Equal(0, executor.Driver.Io.RegistrationCount);
    }

    /// <summary>
    /// Asserts the open descriptors are those of <paramref name="before"/>, naming the ones opened or closed since:
    /// the io_uring case of the connect/echo/close test was seen twice, only in loaded full-suite runs, with two
    /// extra descriptors, and the collection comparison did not say which (a ring and an eventfd are another
    /// executor's driver, sockets are ours).
    /// </summary>
    private static void AssertSameDescriptors(string[] before)
    {
        var after = Loopback.OpenDescriptors();
        Assert.Empty(after.Except(before));
        Assert.Empty(before.Except(after));
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Disposing_executors_closes_their_epoll_and_eventfd_descriptors(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        new LocalExecutor().Dispose();
        var before = Loopback.OpenDescriptors();
        for (int i = 0; i < 100; i++) Executor.BlockOn(Time.Sleep(TimeSpan.Zero));
        AssertSameDescriptors(before);
    }
}
