using System.Net;
using System.Net.Sockets;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>Bad arguments and misuse fail at once with exceptions that say what is wrong.</summary>
public class BadInputTests
{
    private static async Future<AsyncTcpStream> Connected(AsyncTcpListener listener) => (await Loopback.Pair(listener)).Client;

    [Theory, ClassData(typeof(EveryDriver))]
    public void Negative_or_oversized_buffer_ranges_throw_ArgumentOutOfRange(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var listener = Loopback.Listen();
        using var stream = Executor.BlockOn(Connected(listener));
        var buffer = new byte[8];
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.ReadAsync(buffer, -1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.ReadAsync(buffer, 0, -4));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.ReadAsync(buffer, 4, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.WriteAsync(buffer, 0, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.WriteAllAsync(buffer, int.MaxValue, 1));
        Assert.Throws<ArgumentNullException>(() => stream.ReadAsync(null!, 0, 0));
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Port_zero_is_rejected_as_a_destination(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AsyncTcpStream.ConnectAsync(IPAddress.Loopback, 0));
        Assert.Contains("Port 0", error.Message);
        using var udp = AsyncUdpSocket.Bind(Loopback.AnyPort);
        Assert.Throws<ArgumentOutOfRangeException>(() => udp.SendToAsync(new byte[1], new IPEndPoint(IPAddress.Loopback, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => udp.Connect(new IPEndPoint(IPAddress.Loopback, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => AsyncTcpStream.ConnectAsync(IPAddress.Loopback, 70_000));
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Non_positive_backlog_is_rejected(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Throws<ArgumentOutOfRangeException>(() => AsyncTcpListener.Bind(Loopback.AnyPort, backlog: 0));
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Binding_a_port_in_use_throws_AddressAlreadyInUse(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var first = Loopback.Listen();
        var error = Assert.Throws<SocketException>(() => AsyncTcpListener.Bind(first.LocalEndPoint));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Operations_on_a_disposed_stream_throw_ObjectDisposedException(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var listener = Loopback.Listen();
        var stream = Executor.BlockOn(Connected(listener));
        stream.Dispose();
        stream.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => Executor.BlockOn(stream.ReadAsync(new byte[1])));
        Assert.Throws<ObjectDisposedException>(() => Executor.BlockOn(stream.WriteAllAsync(new byte[1])));
        Assert.Throws<ObjectDisposedException>(() => stream.NoDelay = true);
        Assert.Throws<ObjectDisposedException>(() => stream.Shutdown(SocketShutdown.Send));
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Unconnected_udp_socket_refuses_SendAsync_and_ReceiveAsync(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var udp = AsyncUdpSocket.Bind(Loopback.AnyPort);
        Assert.Throws<InvalidOperationException>(() => udp.SendAsync(new byte[1]));
        Assert.Throws<InvalidOperationException>(() => udp.ReceiveAsync(new byte[1]));
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Polling_a_socket_operation_outside_an_executor_says_so(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var listener = Loopback.Listen();
        var accept = listener.AcceptAsync();
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            var cx = new Context(Waker.Noop);
            accept.Poll(ref cx);
        });
        Assert.Contains("executor", error.Message);
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Socket_used_by_a_live_executor_cannot_be_polled_by_another(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var listener = Loopback.Listen();
        using var first = new LocalExecutor();
        using var second = new LocalExecutor();
        var pending = listener.AcceptAsync();
        using (first.Driver.Enter())
        {
            var cx = new Context(Waker.Noop);
            Assert.True(pending.Poll(ref cx).IsPending);
        }
        var error = Assert.Throws<InvalidOperationException>(() => second.BlockOn(listener.AcceptAsync()));
        Assert.Contains("another executor", error.Message);
        pending.Dispose();
    }
}
