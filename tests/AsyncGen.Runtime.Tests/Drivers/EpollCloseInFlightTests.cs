using System.Net;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Drivers.Epoll;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>
/// The epoll registration's <c>recv</c>/<c>send</c> hold a reference on the socket's handle for the syscall, so the
/// descriptor cannot close under it. These close a socket, the way <c>EventedSocket.Dispose</c> does (deregister,
/// then close), while one or two other threads send on it, and reuse the descriptor number at once: a send that
/// reached the descriptor after the close would land on the new socket. (A per-direction "in flight" flag tried in
/// place of the reference let the second of two concurrent senders through: review R3.)
/// </summary>
[Collection(Net.SerialCollection.Name)] // many short-lived descriptors: the reuse this looks for needs a quiet fd table
public class EpollCloseInFlightTests
{
    private const int Rounds = 300;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Closing_while_other_threads_send_never_lets_a_send_reach_the_reused_descriptor(int senders)
    {
        using var reactor = new EpollDriver();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var strayReceiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        strayReceiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] payload = new byte[64];
        int reused = 0;
        for (int round = 0; round < Rounds; round++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            var server = listener.Accept();
            server.Blocking = false;
            int fd = (int)server.SafeHandle.DangerousGetHandle();
            var registration = reactor.Register(server, connecting: false);
            var drainer = new Thread(() => Drain(client));
            drainer.Start();
            int sends = 0;
            var ended = new Exception?[senders];
            var threads = Enumerable.Range(0, senders).Select(index => new Thread(() =>
            {
                var waker = new CountingWakeTarget().Waker;
                try
                {
                    while (true)
                    {
                        registration.TrySend(server, payload, waker, out _);
                        Interlocked.Increment(ref sends);
                    }
                }
                catch (Exception error)
                {
                    ended[index] = error;
                }
            })).ToList();
            threads.ForEach(thread => thread.Start());
            SpinWait.SpinUntil(() => Volatile.Read(ref sends) > round % 7);

            // EventedSocket.Dispose's order: deregister, then close. The lowest free number is reused at once.
            registration.Deregister();
            server.Dispose();
            using var reuse = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            reuse.Connect(strayReceiver.LocalEndPoint!);
            if ((int)reuse.SafeHandle.DangerousGetHandle() == fd) reused++;

            foreach (var thread in threads)
                Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "a sender did not stop after the close");
            // Refused at the closed handle, or the old connection's own error from a send that held the handle.
            Assert.All(ended, error => Assert.True(error is ObjectDisposedException or SocketException, $"{error}"));
            client.Dispose();
            drainer.Join();
        }
        Assert.Equal(0, strayReceiver.Available);          // no datagram came from a late send
        Assert.True(reused > 0, $"the descriptor number was never reused in {Rounds} rounds: the test did not test");
        Assert.Equal(0, reactor.RegistrationCount);
    }

    private static void Drain(Socket client)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (client.Receive(buffer) > 0)
            {
            }
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // The test closed it.
        }
    }
}
