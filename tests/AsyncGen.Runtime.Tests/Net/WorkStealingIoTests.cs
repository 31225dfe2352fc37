using System.Net.Sockets;
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

    /// <summary>
    /// Stress for deferred submissions (io_uring: a worker submits once per batch of polls or before it sleeps):
    /// clients on plain threads that pause between messages leave the executor idle with echoes just queued, so the
    /// worker that polled an echo often goes to sleep on its monitor while the other sleeps in the driver. Every echo
    /// must arrive, whole and in order. (A worker that slept without submitting would delay its echo until the next
    /// completion woke the driver's holder — rarely forever here; <c>IoUringDriverTests</c> pins that rule exactly.)
    /// </summary>
    [Theory, ClassData(typeof(EveryDriver))]
    public void Echoes_between_idle_pauses_are_never_stranded_on_a_two_worker_executor(IoDriverKind driver)
    {
        const int Clients = 16, Messages = 150;
        using var onDriver = TestDriver.Use(driver);
        using var executor = new WorkStealingExecutor(workerCount: 2);
        using var listener = Loopback.Listen(backlog: Clients);
        var accepting = executor.Spawn(LoopbackScaleTests.EchoServer(listener, Clients));
        var failures = new List<Exception>();
        var threads = new Thread[Clients];
        for (int c = 0; c < Clients; c++)
        {
            int seed = c;
            threads[c] = new Thread(() =>
            {
                try
                {
                    PausingClient(listener.LocalEndPoint, seed, Messages);
                }
                catch (Exception e)
                {
                    lock (failures) failures.Add(e);
                }
            });
            threads[c].Start();
        }
        foreach (var thread in threads) Assert.True(thread.Join(TimeSpan.FromSeconds(120)), "a client never finished");
        Assert.Empty(failures);
        Assert.Equal(Clients, executor.BlockOn(accepting, TimeSpan.FromSeconds(30)));
    }

    private static void PausingClient(System.Net.IPEndPoint server, int seed, int messages)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(server);
        socket.ReceiveTimeout = 10_000; // a stranded echo fails the client instead of hanging the test
        var sent = new byte[64];
        var received = new byte[64];
        for (int m = 0; m < messages; m++)
        {
            sent.AsSpan().Fill((byte)(seed * 7 + m));
            socket.Send(sent);
            for (int got = 0; got < sent.Length;)
            {
                int n = socket.Receive(received, got, sent.Length - got, SocketFlags.None);
                Assert.True(n > 0, $"client {seed}, message {m}: the server closed the connection");
                got += n;
            }
            Assert.True(sent.AsSpan().SequenceEqual(received), $"client {seed}, message {m}: echo differs");
            if (m % 3 == seed % 3) Thread.Sleep(1); // an idle pause: every worker may go to sleep
        }
        socket.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, socket.Receive(received));
    }
}
