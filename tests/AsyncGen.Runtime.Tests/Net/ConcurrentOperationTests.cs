using System.Net.Sockets;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>
/// A socket keeps one waiting operation per direction: a second one of the same direction that would wait throws
/// (naming the operation) instead of overwriting the first one's waker and leaving it asleep forever.
/// </summary>
public class ConcurrentOperationTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    private static IFuture<int> LetOthersRun() => new SelfWakingFuture(times: 1);

    private static async Future<string> SecondReadWhileTheFirstWaits()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            var first = Executor.Spawn(server.ReadAsync(new byte[4]));
            await LetOthersRun(); // the first read is now waiting
            var error = Assert.IsType<InvalidOperationException>(await FaultTests.Caught(server.ReadAsync(new byte[4])));
            await client.WriteAllAsync(new byte[] { 7 });
            Assert.Equal(1, await first); // the first read was not disturbed
            return error.Message;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void A_second_pending_ReadAsync_on_one_stream_throws_and_the_first_still_completes(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Contains("ReadAsync", Executor.BlockOn(SecondReadWhileTheFirstWaits(), s_limit));
    }

    private static async Future<string> SecondAcceptWhileTheFirstWaits()
    {
        using var listener = Loopback.Listen();
        var first = Executor.Spawn(listener.AcceptAsync());
        await LetOthersRun();
        var error = Assert.IsType<InvalidOperationException>(await FaultTests.Caught(listener.AcceptAsync()));
        using var client = await AsyncTcpStream.ConnectAsync(listener.LocalEndPoint);
        using var server = await first;
        Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
        return error.Message;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void A_second_pending_AcceptAsync_on_one_listener_throws_and_the_first_still_accepts(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Contains("AcceptAsync", Executor.BlockOn(SecondAcceptWhileTheFirstWaits(), s_limit));
    }

    private static async Future<string> SecondReceiveFromWhileTheFirstWaits()
    {
        using var a = AsyncUdpSocket.Bind(Loopback.AnyPort);
        using var b = AsyncUdpSocket.Bind(Loopback.AnyPort);
        var first = Executor.Spawn(b.ReceiveFromAsync(new byte[16]));
        await LetOthersRun();
        var error = Assert.IsType<InvalidOperationException>(await FaultTests.Caught(b.ReceiveFromAsync(new byte[16])));
        await a.SendToAsync("ping"u8.ToArray(), b.LocalEndPoint);
        Assert.Equal(4, (await first).Received);
        return error.Message;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void A_second_pending_ReceiveFromAsync_on_one_UDP_socket_throws_and_the_first_still_receives(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Contains("ReceiveFromAsync", Executor.BlockOn(SecondReceiveFromWhileTheFirstWaits(), s_limit));
    }

    private static async Future<string> SecondWriteWhileTheFirstWaits()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            // 32 MiB cannot fit in loopback socket buffers while the client reads nothing: the write waits.
            var payload = new byte[32 << 20];
            var first = Executor.Spawn(server.WriteAllAsync(payload));
            await LetOthersRun();
            Assert.False(first.IsCompleted);
            var error = Assert.IsType<InvalidOperationException>(await FaultTests.Caught(server.WriteAsync(new byte[1])));
            Assert.Equal(payload.Length, await Loopback.ReadFull(client, new byte[payload.Length]));
            await first;
            return error.Message;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void A_second_pending_write_on_one_stream_throws_naming_both_operations(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        string message = Executor.BlockOn(SecondWriteWhileTheFirstWaits(), s_limit);
        Assert.Contains("WriteAsync", message);
        Assert.Contains("WriteAllAsync", message);
    }

    private static async Future<int> ReadAfterACancelledRead()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            var buffer = new byte[4];
            Assert.IsType<TimeoutException>(await FaultTests.Caught(Time.Timeout(server.ReadAsync(buffer), TimeSpan.FromMilliseconds(5))));
            var next = Executor.Spawn(server.ReadAsync(buffer)); // waits in the slot the cancelled read released
            await LetOthersRun();
            await client.WriteAllAsync(new byte[] { 1, 2 });
            return await next;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void A_read_disposed_while_waiting_frees_the_direction_for_the_next_read(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal(2, Executor.BlockOn(ReadAfterACancelledRead(), s_limit));
    }

    private static async Future<int> SequentialWaitingReads()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            int total = 0;
            for (int i = 0; i < 3; i++)
            {
                var read = Executor.Spawn(server.ReadAsync(new byte[4])); // each waits, then completes
                await LetOthersRun();
                await client.WriteAllAsync(new byte[] { 1 });
                total += await read;
            }
            return total;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Reads_that_waited_one_after_another_are_not_mistaken_for_concurrent_ones(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal(3, Executor.BlockOn(SequentialWaitingReads(), s_limit));
    }
}
