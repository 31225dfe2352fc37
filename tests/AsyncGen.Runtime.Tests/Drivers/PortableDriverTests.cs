using System.Net;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Drivers.Portable;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>
/// What only the portable driver has: being forced on Linux without a fallback, readiness without epoll (a
/// zero-byte peek for reads, a counted thread-pool poll for writes). The socket suite itself runs on it through
/// <see cref="EveryDriver"/>.
/// </summary>
[Collection(SerialCollection.Name)] // the process-wide fallback counter
public class PortableDriverTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    private static LocalExecutor PortableExecutor() => new(new DriverOptions { Driver = IoDriverKind.Portable });

    private static PortableDriver Driver(LocalExecutor executor) => Assert.IsType<PortableDriver>(executor.Driver.Io);

    [Fact]
    public void The_portable_driver_runs_when_asked_for_and_nothing_falls_back()
    {
        long before = DriverFactory.FallbackCount;
        using var executor = PortableExecutor();
        using var stealing = new WorkStealingExecutor(1, new DriverOptions { Driver = IoDriverKind.Portable });
        Assert.Equal(IoDriverKind.Portable, executor.IoDriver);
        Assert.Equal(IoDriverKind.Portable, stealing.IoDriver);
        Assert.Equal(before, DriverFactory.FallbackCount);
    }

    [Fact]
    public void Tcp_udp_and_connect_need_no_write_readiness_poll()
    {
        using var executor = PortableExecutor();
        Assert.Equal(3, executor.BlockOn(TcpAndUdp(), s_limit));
        Assert.Equal(0, Driver(executor).WriteReadinessPolls);
        Assert.Equal(0, Driver(executor).RegistrationCount);
    }

    [Theory]
    [InlineData(IoDriverKind.Auto)]
    [InlineData(IoDriverKind.Epoll)]
    [InlineData(IoDriverKind.IoUring)]
    public void Off_Linux_every_request_gets_the_portable_driver_a_Linux_one_visibly_and_sockets_work_on_it(IoDriverKind requested)
    {
        // What Windows and macOS run, chosen here by simulating the system (DriverOptions.SimulateNotLinux): Auto
        // resolves to the portable driver; epoll or io_uring fall back to it with the fallback counted and reported.
        long before = DriverFactory.FallbackCount;
        var options = new DriverOptions { Driver = requested, SimulateNotLinux = true };
        using (var onAuto = TestDriver.Use(IoDriverKind.Auto)) // a test default from EveryDriver must not decide
        using (var executor = new LocalExecutor(options))
        using (var stealing = new WorkStealingExecutor(1, options))
        {
            Assert.Equal(IoDriverKind.Portable, executor.IoDriver);
            Assert.Equal(IoDriverKind.Portable, stealing.IoDriver);
            Assert.Equal(3, executor.BlockOn(TcpAndUdp(), s_limit));
            Assert.Equal(3, stealing.BlockOn(TcpAndUdp(), s_limit));
        }
        bool environmentDecides = Environment.GetEnvironmentVariable(DriverOptions.EnvironmentVariable) is { Length: > 0 };
        if (requested != IoDriverKind.Auto) Assert.Equal(before + 2, DriverFactory.FallbackCount);
        else if (!environmentDecides) Assert.Equal(before, DriverFactory.FallbackCount);
        Assert.Equal(IoDriverKind.Portable, DriverFactory.Resolve(IoDriverKind.Auto, environment: null, linux: false));
    }

    private static async Future<int> TcpAndUdp()
    {
        using (var listener = Loopback.Listen())
        {
            var (client, server) = await Loopback.Pair(listener);
            using (client)
            using (server)
            {
                await client.WriteAllAsync("abc"u8.ToArray());
                Assert.Equal(3, await Loopback.ReadFull(server, new byte[3]));
            }
        }
        using var a = AsyncUdpSocket.Bind(Loopback.AnyPort);
        using var b = AsyncUdpSocket.Bind(Loopback.AnyPort);
        await a.SendToAsync("xyz"u8.ToArray(), b.LocalEndPoint);
        var result = await b.ReceiveFromAsync(new byte[16]);
        Assert.Equal(a.LocalEndPoint, result.RemoteEndPoint);
        return result.Received;
    }

    [Fact]
    public void Read_readiness_is_a_zero_byte_peek_that_wakes_on_data_and_consumes_nothing()
    {
        using var executor = PortableExecutor();
        var (sender, receiver) = RawPair();
        using (sender)
        using (receiver)
        using (executor.Driver.Enter())
        {
            var registration = receiver.Registration;
            var counter = new CountingWakeTarget();
            Assert.True(registration.PollReady(Direction.Read, counter.Waker, out var seen)); // optimistic at first
            registration.ClearReadiness(seen);
            Assert.False(registration.PollReady(Direction.Read, counter.Waker, out _));

            sender.Send("x"u8);
            Assert.True(SpinWait.SpinUntil(() => counter.Wakes > 0, s_limit), "no wake after data arrived");
            Assert.True(registration.PollReady(Direction.Read, counter.Waker, out _));
            var buffer = new byte[4];
            Assert.Equal(1, receiver.Socket.Receive(buffer)); // the probe peeked: the byte is still there
            Assert.Equal((byte)'x', buffer[0]);
        }
    }

    [Fact]
    public void Write_readiness_is_a_thread_pool_poll_and_is_counted()
    {
        using var executor = PortableExecutor();
        var (sender, receiver) = RawPair();
        using (sender)
        using (receiver)
        using (executor.Driver.Enter())
        {
            var registration = receiver.Registration;
            var counter = new CountingWakeTarget();
            Assert.True(registration.PollReady(Direction.Write, counter.Waker, out var seen));
            registration.ClearReadiness(seen);
            Assert.False(registration.PollReady(Direction.Write, counter.Waker, out _));

            // The socket's send buffer is empty: the poll finds it writable at once.
            Assert.True(SpinWait.SpinUntil(() => counter.Wakes > 0, s_limit), "no wake for a writable socket");
            Assert.True(registration.PollReady(Direction.Write, counter.Waker, out _));
            Assert.Equal(1, Driver(executor).WriteReadinessPolls);
        }
    }

    /// <summary>A connected pair: a plain blocking sender and an evented receiver.</summary>
    private static (Socket Sender, EventedSocket Receiver) RawPair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sender.Connect(listener.LocalEndPoint!);
        return (sender, new EventedSocket(listener.Accept()));
    }
}
