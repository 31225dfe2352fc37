using System.Net;
using System.Net.Sockets;
using System.Reflection;
using AsyncGen.Net;
using AsyncGen.Drivers;
using AsyncGen.Drivers.Epoll;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Drivers;

public class StaleWriteInterestTests
{
    [Theory]
    [InlineData(false)] // control: no stale writer
    [InlineData(true)]  // a writer of the previous owner of the slot resumes after the slot was reused
    public void A_blocked_write_on_a_reused_slot_is_woken_when_the_peer_drains(bool staleWriterResumes)
    {
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.Epoll }); // epoll's slab and EPOLLOUT
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(8);
        (Socket Peer, Socket Local) Pair()
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            return (client, listener.Accept());
        }
        var (peer1, s1) = Pair();
        var (peer2, s2) = Pair();
        using (peer1)
        using (peer2)
        using (executor.Driver.Enter())
        {
            var first = new EventedSocket(s1);
            var stale = (EpollRegistration)first.Registration;
            var io = (ScheduledIo)typeof(EpollRegistration).GetField("_io", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(stale)!;

            // A writer of `first` (on another worker) is inside IoRegistration.PollReady(Write) and TryGetReady returned
            // false. Now another task disposes `first` and a new connection takes the freed slot.
            first.Dispose();
            var second = new EventedSocket(s2);
            var fresh = (EpollRegistration)second.Registration;
            Assert.Equal(stale.Slot, fresh.Slot);

            if (staleWriterResumes)
            {
                // The stale writer resumes in IoRegistration.PollReady: its generation must be refused.
                if (io.TryAddWriteInterest(stale.Generation))
                    Assert.ThrowsAny<Exception>(() => ((EpollDriver)executor.Driver.Io).AddWriteInterest(stale)); // stale owner is closed
            }

            // The new owner writes until the send buffer is full and registers its waker (the WriteFuture protocol).
            var counter = new CountingWakeTarget();
            var chunk = new byte[64 * 1024];
            while (fresh.PollReady(Direction.Write, counter.Waker, out var seen))
            {
                s2.Send(chunk, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock) fresh.ClearReadiness(seen);
                else Assert.Equal(SocketError.Success, error);
            }

            // The peer drains everything: the writer must be woken by EPOLLOUT.
            peer2.Blocking = false;
            var sink = new byte[1 << 20];
            for (int round = 0; round < 20 && counter.Wakes == 0; round++)
            {
                while (peer2.Receive(sink, SocketFlags.None, out var error) > 0 && error == SocketError.Success) { }
                executor.Driver.Io.Park(50);
            }
            Assert.Equal(1, counter.Wakes);
            second.Dispose();
        }
    }
}
