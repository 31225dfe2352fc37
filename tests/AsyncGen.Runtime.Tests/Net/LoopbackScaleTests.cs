using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>Loopback echo at scale, every byte checked.</summary>
public class LoopbackScaleTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    /// <summary>Echoes everything it reads until end of stream, then closes.</summary>
    internal static async Future<int> Echo(AsyncTcpStream stream)
    {
        using (stream)
        {
            var buffer = new byte[4096];
            int total = 0;
            while (true)
            {
                int n = await stream.ReadAsync(buffer);
                if (n == 0) return total;
                await stream.WriteAllAsync(buffer.AsMemory(0, n));
                total += n;
            }
        }
    }

    internal static async Future<int> EchoServer(AsyncTcpListener listener, int connections)
    {
        for (int i = 0; i < connections; i++) _ = Executor.Spawn(Echo(await listener.AcceptAsync())); // joined by the clients' EOF
        return connections;
    }

    private static async Future<int> EchoClient(System.Net.IPEndPoint server, int seed, int messages)
    {
        var random = new Random(seed);
        using var stream = await AsyncTcpStream.ConnectAsync(server);
        var sent = new byte[4096];
        var received = new byte[4096];
        int bytes = 0;
        for (int m = 0; m < messages; m++)
        {
            int size = random.Next(1, 4097);
            random.NextBytes(sent.AsSpan(0, size));
            await stream.WriteAllAsync(sent.AsMemory(0, size));
            Assert.Equal(size, await Loopback.ReadFull(stream, received.AsMemory(0, size)));
            Assert.True(sent.AsSpan(0, size).SequenceEqual(received.AsSpan(0, size)), $"client {seed}, message {m}: echo differs");
            bytes += size;
        }
        stream.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        Assert.Equal(0, await stream.ReadAsync(received));
        return bytes;
    }

    private static async Future<long> ManyClients(int connections, int messages)
    {
        using var listener = Loopback.Listen(backlog: connections);
        var server = Executor.Spawn(EchoServer(listener, connections));
        var clients = new JoinHandle<int>[connections];
        for (int i = 0; i < connections; i++) clients[i] = Executor.Spawn(EchoClient(listener.LocalEndPoint, seed: i, messages));
        long total = 0;
        foreach (var client in clients) total += await client;
        Assert.Equal(connections, await server);
        return total;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Thousand_connections_each_echo_twenty_messages_of_random_sizes(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        long expected = 0;
        for (int i = 0; i < 1000; i++)
        {
            var random = new Random(i);
            for (int m = 0; m < 20; m++)
            {
                int size = random.Next(1, 4097);
                random.NextBytes(new byte[size]);
                expected += size;
            }
        }
        Assert.Equal(expected, Executor.BlockOn(ManyClients(connections: 1000, messages: 20), s_limit));
    }

    private const int BulkBytes = 4 << 20;

    private static byte Pattern(int seed, long index) => (byte)(index * 31 + seed * 7 + (index >> 12));

    private static async Future<long> SendPattern(AsyncTcpStream stream, int seed)
    {
        var chunk = new byte[64 * 1024];
        for (long offset = 0; offset < BulkBytes; offset += chunk.Length)
        {
            for (int i = 0; i < chunk.Length; i++) chunk[i] = Pattern(seed, offset + i);
            await stream.WriteAllAsync(chunk);
        }
        stream.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        return BulkBytes;
    }

    private static async Future<long> ReceivePattern(AsyncTcpStream stream, int seed)
    {
        var buffer = new byte[48 * 1024]; // not a multiple of the sender's chunk: reads straddle writes
        long offset = 0;
        while (true)
        {
            int n = await stream.ReadAsync(buffer);
            if (n == 0) return offset;
            for (int i = 0; i < n; i++)
                if (buffer[i] != Pattern(seed, offset + i)) throw new InvalidDataException($"stream {seed}: byte {offset + i} differs");
            offset += n;
        }
    }

    private static async Future<long> BulkBothWays(int connections)
    {
        using var listener = Loopback.Listen();
        var transfers = new List<JoinHandle<long>>();
        var streams = new List<AsyncTcpStream>();
        for (int c = 0; c < connections; c++)
        {
            var (client, server) = await Loopback.Pair(listener);
            streams.Add(client);
            streams.Add(server);
            // Each direction has its own seed: a reader that received the other direction's bytes would notice.
            transfers.Add(Executor.Spawn(SendPattern(client, seed: 2 * c)));
            transfers.Add(Executor.Spawn(ReceivePattern(server, seed: 2 * c)));
            transfers.Add(Executor.Spawn(SendPattern(server, seed: 2 * c + 1)));
            transfers.Add(Executor.Spawn(ReceivePattern(client, seed: 2 * c + 1)));
        }
        long total = 0;
        foreach (var transfer in transfers) total += await transfer;
        foreach (var stream in streams) stream.Dispose();
        return total;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Ten_connections_move_four_MiB_each_way_concurrently(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal(10L * 4 * BulkBytes, Executor.BlockOn(BulkBothWays(connections: 10), s_limit));
    }
}
