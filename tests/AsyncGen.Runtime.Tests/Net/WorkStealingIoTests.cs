using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>Sockets on the work-stealing executor: tasks poll on any worker while one worker drives the reactor.</summary>
public class WorkStealingIoTests
{
    private static async Future<long> EchoClients(int connections, int messages)
    {
        using var listener = Loopback.Listen(backlog: connections);
        var server = Executor.Spawn(LoopbackScaleTests.EchoServer(listener, connections));
        var clients = new JoinHandle<long>[connections];
        for (int i = 0; i < connections; i++) clients[i] = Executor.Spawn(Client(listener.LocalEndPoint, i, messages));
        long total = 0;
        foreach (var client in clients) total += await client;
        await server;
        return total;
    }

    private static async Future<long> Client(System.Net.IPEndPoint server, int seed, int messages)
    {
        using var stream = await AsyncTcpStream.ConnectAsync(server);
        var sent = new byte[1024];
        var received = new byte[1024];
        long bytes = 0;
        for (int m = 0; m < messages; m++)
        {
            int size = 1 + (seed * 31 + m * 17) % sent.Length;
            sent.AsSpan(0, size).Fill((byte)(seed + m));
            await stream.WriteAllAsync(sent.AsMemory(0, size));
            Assert.Equal(size, await Loopback.ReadFull(stream, received.AsMemory(0, size)));
            Assert.True(received.AsSpan(0, size).SequenceEqual(sent.AsSpan(0, size)));
            bytes += size;
        }
        return bytes;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Two_hundred_connections_echo_on_a_two_worker_executor(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new WorkStealingExecutor(workerCount: 2);
        long total = executor.BlockOn(EchoClients(connections: 200, messages: 20), TimeSpan.FromSeconds(60));
        long expected = 0;
        for (int seed = 0; seed < 200; seed++)
            for (int m = 0; m < 20; m++) expected += 1 + (seed * 31 + m * 17) % 1024;
        Assert.Equal(expected, total);
    }
}
