using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AsyncGen.Drivers;
using AsyncGen.Drivers.Epoll;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Drivers;

public class EpollDriverTests
{
    [Fact]
    public void Epoll_event_is_packed_to_12_bytes_on_x64_and_16_elsewhere()
    {
        int expected = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
        Assert.Equal(expected, EpollEventLayout.Size);
    }

    [Fact]
    public void Other_operating_systems_get_a_PlatformNotSupportedException_that_says_why()
    {
        var error = EpollDriver.NotSupported();
        Assert.Contains("epoll", error.Message);
        Assert.Contains("only on Linux", error.Message);
    }

    [Fact]
    public void Unpark_before_park_makes_the_next_park_return_at_once()
    {
        using var reactor = new EpollDriver();
        var unparker = new Thread(reactor.Unpark);
        unparker.Start();
        unparker.Join();
        long before = reactor.WaitCount;
        reactor.Park(Timeout.Infinite); // would hang if the unpark were lost
        Assert.Equal(before + 1, reactor.WaitCount);
    }

    [Fact]
    public void Unpark_from_another_thread_ends_an_infinite_park()
    {
        using var reactor = new EpollDriver();
        using var parked = new ManualResetEventSlim();
        var parker = new Thread(() =>
        {
            parked.Set();
            reactor.Park(Timeout.Infinite);
        });
        parker.Start();
        parked.Wait();
        // Unpark may land before or during the wait; both must end it.
        reactor.Unpark();
        Assert.True(parker.Join(TimeSpan.FromSeconds(30)), "the parked thread was not unparked");
    }

    [Fact]
    public void Unparks_are_never_lost_under_a_storm_of_parks_and_unparks()
    {
        using var reactor = new EpollDriver();
        int round = 0;
        const int Rounds = 5_000;
        var unparker = new Thread(() =>
        {
            while (Volatile.Read(ref round) < Rounds) reactor.Unpark();
        });
        unparker.Start();
        // Each infinite park must be ended by some unpark; the unparker keeps unparking until we finish.
        for (int i = 0; i < Rounds; i++)
        {
            reactor.Park(Timeout.Infinite);
            Volatile.Write(ref round, i + 1);
        }
        Assert.True(unparker.Join(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Clear_keeps_readiness_set_by_a_newer_tick()
    {
        var io = new ScheduledIo();
        io.Activate(generation: 1, fd: 3, tick: 0, writeInterest: false, optimistic: true);
        Assert.True(io.TryGetReady(Direction.Read, 1, out var seen));   // the operation sees tick 0
        Assert.True(io.SetReadiness(1, tick: 1, Ready.Readable));       // an event lands before its clear
        io.ClearReadiness(seen);
        Assert.True(io.TryGetReady(Direction.Read, 1, out var again));  // not cleared: the retry finds it
        io.ClearReadiness(again);
        Assert.False(io.TryGetReady(Direction.Read, 1, out _));
    }

    [Fact]
    public void Readiness_arriving_before_the_waker_is_stored_is_seen_by_the_recheck()
    {
        var io = new ScheduledIo();
        io.Activate(generation: 1, fd: 3, tick: 0, writeInterest: false, optimistic: false);
        var counter = new CountingWakeTarget();
        Assert.False(io.TryGetReady(Direction.Read, 1, out _));
        io.SetReadiness(1, tick: 1, Ready.Readable);
        io.Wake(Ready.Readable);                                           // nobody registered yet: no one to wake
        Assert.True(io.RegisterWaker(Direction.Read, 1, counter.Waker, out _)); // the re-check reports it
        Assert.Equal(0, counter.Wakes);
    }

    [Fact]
    public void Events_with_a_stale_generation_are_ignored()
    {
        var io = new ScheduledIo();
        io.Activate(generation: 1, fd: 3, tick: 0, writeInterest: false, optimistic: false);
        io.Release(1);
        io.Activate(generation: 3, fd: 4, tick: 0, writeInterest: false, optimistic: false);
        Assert.False(io.SetReadiness(1, tick: 1, Ready.Readable)); // queued for the previous owner
        Assert.False(io.TryGetReady(Direction.Read, 3, out _));
    }

    [Fact]
    public void Release_wakes_both_directions()
    {
        var io = new ScheduledIo();
        io.Activate(generation: 1, fd: 3, tick: 0, writeInterest: true, optimistic: false);
        var reader = new CountingWakeTarget();
        var writer = new CountingWakeTarget();
        Assert.False(io.RegisterWaker(Direction.Read, 1, reader.Waker, out _));
        Assert.False(io.RegisterWaker(Direction.Write, 1, writer.Waker, out _));
        io.Release(1);
        Assert.Equal(1, reader.Wakes);
        Assert.Equal(1, writer.Wakes);
    }

    [Fact]
    public void Epoll_bits_map_to_readiness_like_mio()
    {
        Assert.Equal(Ready.Readable, ReadyExtensions.FromEpoll(Libc.EPOLLIN));
        Assert.Equal(Ready.Readable | Ready.ReadClosed, ReadyExtensions.FromEpoll(Libc.EPOLLIN | Libc.EPOLLRDHUP));
        Assert.Equal(Ready.Writable, ReadyExtensions.FromEpoll(Libc.EPOLLOUT));
        var reset = ReadyExtensions.FromEpoll(Libc.EPOLLIN | Libc.EPOLLOUT | Libc.EPOLLERR | Libc.EPOLLHUP | Libc.EPOLLRDHUP);
        Assert.Equal(Ready.Readable | Ready.Writable | Ready.ReadClosed | Ready.WriteClosed | Ready.Error, reset);
    }

    [Fact]
    public void One_park_dispatches_every_event_its_epoll_wait_returned()
    {
        using var reactor = new EpollDriver();
        using var sockets = ReadableSockets.Create(reactor, count: 10);
        long waits = reactor.WaitCount;
        reactor.Park(Timeout.Infinite);
        Assert.Equal(waits + 1, reactor.WaitCount);
        Assert.Equal(Enumerable.Repeat(1, 10), sockets.Wakes);
    }

    [Fact]
    public void Events_beyond_the_buffer_are_returned_by_the_next_park_at_once()
    {
        using var reactor = new EpollDriver(eventCapacity: 4);
        using var sockets = ReadableSockets.Create(reactor, count: 10);
        var woken = new List<int>();
        for (int park = 0; park < 3; park++)
        {
            // Infinite: the events left over from a full buffer are already on the ready list, so it cannot block.
            reactor.Park(Timeout.Infinite);
            woken.Add(sockets.Wakes.Sum());
        }
        Assert.Equal([4, 8, 10], woken);                    // a full buffer per park, nothing dropped
        Assert.Equal(Enumerable.Repeat(1, 10), sockets.Wakes); // each reader woken exactly once
    }

    [Fact]
    public void A_reused_slot_gets_new_state_and_its_previous_owner_stays_released()
    {
        using var reactor = new EpollDriver();
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        var old = (EpollRegistration)reactor.Register(first, connecting: false);
        old.Deregister();
        var fresh = (EpollRegistration)reactor.Register(second, connecting: false);
        Assert.Equal(old.Slot, fresh.Slot);
        Assert.NotSame(old.Io, fresh.Io);                  // allocated with its registration, not inherited
        Assert.True(fresh.Generation > old.Generation);    // the previous owner's queued events are stale

        // The new owner waits for data (its optimistic readiness cleared, its waker stored) ...
        var reader = new CountingWakeTarget();
        Assert.True(fresh.PollReady(Direction.Read, reader.Waker, out var seen));
        fresh.ClearReadiness(seen);
        Assert.False(fresh.PollReady(Direction.Read, reader.Waker, out _));
        // ... while an operation of the previous owner still sees a released registration (ready: its syscall
        // meets the closed socket), and what it clears or stores never reaches the new owner.
        var stale = new CountingWakeTarget();
        Assert.True(old.PollReady(Direction.Read, stale.Waker, out var oldSeen));
        old.ClearReadiness(oldSeen);
        Assert.True(old.PollReady(Direction.Read, stale.Waker, out _));
        Assert.False(fresh.PollReady(Direction.Read, reader.Waker, out _));
        fresh.Deregister();
        Assert.Equal(1, reader.Wakes);                     // deregistration wakes the new owner's reader only
        Assert.Equal(0, stale.Wakes);
    }

    /// <summary>
    /// <paramref name="count"/> connected loopback pairs whose server ends are registered with a reader waiting
    /// (readiness cleared, waker stored), then made readable by one byte from the client end.
    /// </summary>
    private sealed class ReadableSockets : IDisposable
    {
        private readonly List<Socket> _sockets = [];
        private readonly List<IoRegistration> _registrations = [];
        private readonly List<CountingWakeTarget> _readers = [];

        public IEnumerable<int> Wakes => _readers.Select(reader => reader.Wakes);

        public static ReadableSockets Create(EpollDriver reactor, int count)
        {
            var set = new ReadableSockets();
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(count);
            var clients = new List<Socket>();
            for (int i = 0; i < count; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                client.Connect(listener.LocalEndPoint!);
                var server = listener.Accept();
                server.Blocking = false;
                set._sockets.Add(client);
                set._sockets.Add(server);
                clients.Add(client);
                var registration = reactor.Register(server, connecting: false);
                set._registrations.Add(registration);
                var reader = new CountingWakeTarget();
                set._readers.Add(reader);
                // A new registration starts optimistically ready: clear it as a read meeting EAGAIN would.
                Assert.True(registration.PollReady(Direction.Read, reader.Waker, out var seen));
                registration.ClearReadiness(seen);
                Assert.False(registration.PollReady(Direction.Read, reader.Waker, out _));
            }
            foreach (var client in clients) client.Send([1]);
            return set;
        }

        public void Dispose()
        {
            foreach (var registration in _registrations) registration.Deregister();
            foreach (var socket in _sockets) socket.Dispose();
        }
    }
}
