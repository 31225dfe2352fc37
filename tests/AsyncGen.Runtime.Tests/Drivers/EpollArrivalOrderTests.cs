using System.Net;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Drivers.Epoll;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Net;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>
/// Fairness of the epoll path on one <see cref="LocalExecutor"/> (issue 14, p99 at 1,000 connections): the connections
/// that became readable are served in the order their data arrived, whatever order their tasks were spawned in, and
/// every task one <c>epoll_wait</c> woke is polled before the executor waits again.
/// </summary>
[Collection(SerialCollection.Name)]
public class EpollArrivalOrderTests
{
    /// <summary>More than three buffers' worth, so the order must also hold across waits.</summary>
    private const int Connections = 100;

    [Fact]
    public void Readers_are_polled_in_arrival_order_and_all_tasks_of_one_wait_before_the_next_wait()
    {
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.Epoll });
        var reactor = Assert.IsType<EpollDriver>(executor.Driver.Io);
        using var pairs = LoopbackPairs.Create(Connections);
        // Data arrives in an order unrelated to the spawn order: 37 is coprime with 100, so this is a permutation.
        int[] arrival = [.. Enumerable.Range(0, Connections).Select(k => k * 37 % Connections)];
        var served = new List<(int Reader, long Wait)>();

        // Spawned first, so each has read once (EAGAIN) and stored its waker before the sender runs.
        for (int i = 0; i < Connections; i++) executor.Spawn(Read(pairs.Servers[i], i, reactor, served));
        executor.Spawn(new SendInOrder(pairs, arrival));
        executor.Run();

        Assert.Equal(arrival, served.Select(s => s.Reader));
        // Grouped by the wait that woke them: full buffers in a row, one wait each, nothing carried to a later wait.
        var groups = served.GroupBy(s => s.Wait).Select(g => (g.Key, Count: g.Count())).ToList();
        int capacity = EpollDriver.DefaultEventCapacity;
        int full = Connections / capacity;
        Assert.Equal([.. Enumerable.Repeat(capacity, full), Connections - full * capacity], groups.Select(g => g.Count));
        Assert.Equal(Enumerable.Range(0, groups.Count).Select(k => groups[0].Key + k), groups.Select(g => g.Key));
    }

    private static async Future Read(AsyncTcpStream stream, int reader, EpollDriver reactor, List<(int, long)> served)
    {
        var buffer = new byte[16];
        int received = await stream.ReadAsync(buffer);
        Assert.Equal(1, received);
        served.Add((reader, reactor.WaitCount));
    }

    /// <summary>
    /// Sends one byte to each server end in <c>order</c>, each once the previous one is in its receive queue, so the
    /// kernel's ready list holds them in that order before the executor's next wait; completes in its first poll.
    /// </summary>
    private struct SendInOrder(LoopbackPairs pairs, int[] order) : IFuture<Unit>
    {
        public readonly Poll<Unit> Poll(ref Context cx)
        {
            foreach (int i in order)
            {
                pairs.Clients[i].Send([1]);
                // Loopback delivers inside send, normally; under load the softirq may finish it on another CPU.
                var spin = new SpinWait();
                while (pairs.ServerSockets[i].Available == 0) spin.SpinOnce(sleep1Threshold: -1);
            }
            return Poll<Unit>.Ready(default);
        }
    }

    /// <summary><c>count</c> connected loopback pairs: blocking clients, servers wrapped as AsyncGen streams.</summary>
    private sealed class LoopbackPairs : IDisposable
    {
        public readonly List<Socket> Clients = [];
        public readonly List<Socket> ServerSockets = [];
        public readonly List<AsyncTcpStream> Servers = [];

        public static LoopbackPairs Create(int count)
        {
            var pairs = new LoopbackPairs();
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(count);
            for (int i = 0; i < count; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                client.Connect(listener.LocalEndPoint!);
                pairs.Clients.Add(client);
                var server = listener.Accept();
                pairs.ServerSockets.Add(server);
                pairs.Servers.Add(new AsyncTcpStream(new EventedSocket(server)));
            }
            return pairs;
        }

        public void Dispose()
        {
            foreach (var server in Servers) server.Dispose();
            foreach (var client in Clients) client.Dispose();
        }
    }
}
