using System.Net;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

public class UdpSocketTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    private static async Future<(string Text, IPEndPoint From)> PingPong()
    {
        using var a = AsyncUdpSocket.Bind(Loopback.AnyPort);
        using var b = AsyncUdpSocket.Bind(Loopback.AnyPort);
        var buffer = new byte[64];
        var receive = Executor.Spawn(b.ReceiveFromAsync(buffer)); // pending before anything is sent
        Assert.Equal(4, await a.SendToAsync("ping"u8.ToArray(), b.LocalEndPoint));
        var (received, from) = await receive;
        Assert.Equal(a.LocalEndPoint, from);
        return (System.Text.Encoding.ASCII.GetString(buffer, 0, received), from);
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void SendTo_and_ReceiveFrom_exchange_a_datagram_with_its_sender(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal("ping", Executor.BlockOn(PingPong(), s_limit).Text);
    }

    private static async Future<string> Connected()
    {
        using var a = AsyncUdpSocket.Bind(Loopback.AnyPort);
        using var b = AsyncUdpSocket.Bind(Loopback.AnyPort);
        a.Connect(b.LocalEndPoint);
        b.Connect(a.LocalEndPoint);
        await a.SendAsync("one"u8.ToArray());
        await a.SendAsync("two"u8.ToArray());
        var buffer = new byte[16];
        int first = await b.ReceiveAsync(buffer);           // datagram boundaries are kept
        Assert.Equal(3, first);
        int second = await b.ReceiveAsync(buffer.AsMemory(first));
        return System.Text.Encoding.ASCII.GetString(buffer, 0, first + second);
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Connected_sockets_Send_and_Receive_whole_datagrams(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal("onetwo", Executor.BlockOn(Connected(), s_limit));
    }
}
