using System.Net;
using System.Net.Sockets;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

public class TcpStreamTests
{
    private static async Future<string> EchoOnce()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            await client.WriteAllAsync("hello"u8.ToArray());
            var buffer = new byte[5];
            Assert.Equal(5, await Loopback.ReadFull(server, buffer));
            await server.WriteAllAsync(buffer);
            var back = new byte[5];
            Assert.Equal(5, await Loopback.ReadFull(client, back));
            Assert.Equal(listener.LocalEndPoint, client.RemoteEndPoint);
            Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
            return System.Text.Encoding.ASCII.GetString(back);
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Connect_accept_write_read_round_trip(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal("hello", Executor.BlockOn(EchoOnce()));
    }

    private static async Future<int> ConnectToClosedPort()
    {
        var listener = Loopback.Listen();
        var endpoint = listener.LocalEndPoint;
        listener.Dispose();
        using var stream = await AsyncTcpStream.ConnectAsync(endpoint);
        return 0;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Connect_refused_throws_SocketException_ConnectionRefused(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        var error = Assert.Throws<SocketException>(() => Executor.BlockOn(ConnectToClosedPort()));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    private static async Future<int> ShutdownReceive()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            server.Shutdown(SocketShutdown.Receive);
            int afterShutdown = await server.ReadAsync(new byte[8]); // end of stream at once, no wait
            await server.WriteAllAsync("still"u8.ToArray());       // the send side is untouched
            Assert.Equal(5, await Loopback.ReadFull(client, new byte[5]));
            return afterShutdown;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Shutdown_of_the_receive_side_reads_EOF_while_sending_still_works(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal(0, Executor.BlockOn(ShutdownReceive(), TimeSpan.FromSeconds(30)));
    }

    private static async Future<bool> NoDelayRoundTrip()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            Assert.False(client.NoDelay);
            client.NoDelay = true;
            Assert.Null(client.Linger);
            client.Linger = TimeSpan.FromSeconds(2);
            Assert.Equal(TimeSpan.FromSeconds(2), client.Linger);
            return client.NoDelay;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void NoDelay_and_Linger_are_socket_options_that_read_back(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.True(Executor.BlockOn(NoDelayRoundTrip()));
    }

    private static async Future<IPAddress> EchoOverIPv6()
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            await client.WriteAllAsync(new byte[] { 6 });
            var buffer = new byte[1];
            Assert.Equal(1, await server.ReadAsync(buffer));
            return server.RemoteEndPoint.Address;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Works_over_IPv6_loopback_when_the_host_has_it(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        if (!Socket.OSSupportsIPv6 || !System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .Any(nic => nic.GetIPProperties().UnicastAddresses.Any(a => a.Address.Equals(IPAddress.IPv6Loopback))))
            return; // no ::1 in this container: nothing to test
        Assert.Equal(IPAddress.IPv6Loopback, Executor.BlockOn(EchoOverIPv6(), TimeSpan.FromSeconds(30)));
    }
}
