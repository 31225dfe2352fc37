using System.Net;
using System.Net.Sockets;
using AsyncGen.Net;

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

    [Fact]
    public void Connect_accept_write_read_round_trip()
    {
        Assert.Equal("hello", Executor.BlockOn(EchoOnce()));
    }

    private static async Future<int> ConnectToClosedPort()
    {
        var listener = Loopback.Listen();
        var endpoint = listener.LocalEndPoint;
        listener.Dispose();
        using var stream = await TcpStream.ConnectAsync(endpoint);
        return 0;
    }

    [Fact]
    public void Connect_refused_throws_SocketException_ConnectionRefused()
    {
        var error = Assert.Throws<SocketException>(() => Executor.BlockOn(ConnectToClosedPort()));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }
}
