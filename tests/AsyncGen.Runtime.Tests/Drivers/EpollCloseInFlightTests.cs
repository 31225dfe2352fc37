using System.Net;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Drivers.Epoll;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>
/// The epoll registration's <c>recv</c>/<c>send</c> hold no reference on the socket's handle; deregistration waits
/// for a syscall in flight instead (<c>EpollRegistration.WaitForSyscalls</c>). These close a socket, the way
/// <c>EventedSocket.Dispose</c> does (deregister, then close), while another thread sends on it, and reuse the
/// descriptor number at once: a send that reached the descriptor after the close would land on the new socket.
/// </summary>
[Collection(Net.SerialCollection.Name)] // many short-lived descriptors: the reuse this looks for needs a quiet fd table
public class EpollCloseInFlightTests
{
    private const int Rounds = 300;

    [Fact]
    public void Closing_while_another_thread_sends_never_lets_a_send_reach_the_reused_descriptor()
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
            Exception? ended = null;
            var sender = new Thread(() =>
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
                    ended = error;
                }
            });
            sender.Start();
            SpinWait.SpinUntil(() => Volatile.Read(ref sends) > round % 7);

            // EventedSocket.Dispose's order: deregister, then close. The lowest free number is reused at once.
            registration.Deregister();
            server.Dispose();
            using var reuse = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            reuse.Connect(strayReceiver.LocalEndPoint!);
            if ((int)reuse.SafeHandle.DangerousGetHandle() == fd) reused++;

            Assert.True(sender.Join(TimeSpan.FromSeconds(30)), "the sender did not stop after the close");
            Assert.IsType<ObjectDisposedException>(ended); // not a SocketException from someone else's descriptor
            client.Dispose();
            drainer.Join();
        }
        Assert.Equal(0, strayReceiver.Available);          // no datagram came from a late send
        Assert.True(reused > 0, $"the descriptor number was never reused in {Rounds} rounds: the test did not test");
        Assert.Equal(0, reactor.RegistrationCount);
    }

    [Fact]
    public void A_send_after_deregistration_from_two_threads_refuses_before_reaching_the_descriptor()
    {
        using var reactor = new EpollDriver();
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        first.Connect(first.LocalEndPoint!);
        var registration = reactor.Register(first, connecting: false);
        var waker = new CountingWakeTarget().Waker;
        Assert.True(registration.TrySend(first, new byte[8], waker, out int sent));
        Assert.Equal(8, sent);
        var closers = Enumerable.Range(0, 2).Select(_ => new Thread(registration.Deregister)).ToList();
        closers.ForEach(thread => thread.Start());
        closers.ForEach(thread => thread.Join());
        Assert.True(registration.IsReleased);
        // After deregistration no syscall starts: the send refuses before reaching the descriptor.
        Assert.Throws<ObjectDisposedException>(() => registration.TrySend(first, new byte[8], waker, out _));
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
