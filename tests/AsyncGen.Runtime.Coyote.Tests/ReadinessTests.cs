using AsyncGen.Drivers;
using AsyncGen.Runtime.Coyote.Tests.Harness;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The reactor's readiness word (ScheduledIo: generation | tick | ready bits, one waker per direction) under every
/// interleaving of an operation running the readiness protocol with the reactor dispatching events and a closer
/// releasing the registration: no lost wake-up, even when an event lands between a syscall's EAGAIN and the clear.
/// </summary>
public class ReadinessTests
{
    private const int Generation = 1;

    /// <summary>The kernel side of a socket: bytes that arrived and not yet read.</summary>
    private sealed class Socket
    {
        public int Buffered;
        public bool Closed;
    }

    /// <summary>
    /// IoRegistration.PollReady's protocol written out step by step (TryGetReady, RegisterWaker, the syscall,
    /// ClearReadiness on EAGAIN), reading <paramref name="wanted"/> bytes or stopping at a closed socket.
    /// </summary>
    private static IEnumerable<Func<bool>?> Reader(ScheduledIo io, Socket socket, int wanted, Action<int> done)
    {
        var waker = new FlagWaker();
        int read = 0;
        while (read < wanted)
        {
            if (!io.TryGetReady(Direction.Read, Generation, out var seen))
            {
                yield return null;
                waker.Woken = false;
                if (!io.RegisterWaker(Direction.Read, Generation, waker.Waker, out seen))
                {
                    yield return () => waker.Woken; // Pending until the reactor wakes us
                    continue;
                }
            }
            yield return null;
            if (socket.Closed) break;             // the syscall fails: the operation ends
            if (socket.Buffered > 0)
            {
                socket.Buffered--;                // recv returned a byte
                read++;
                continue;
            }
            yield return null;                    // recv returned EAGAIN; an event may land before the clear
            io.ClearReadiness(seen);
        }
        done(read);
    }

    /// <summary>The kernel queues bytes, then the reactor dispatches each epoll event: SetReadiness, then Wake.</summary>
    private static IEnumerable<Func<bool>?> Reactor(ScheduledIo io, Socket socket, int bytes)
    {
        int tick = 0;
        for (int i = 0; i < bytes; i++)
        {
            socket.Buffered++;
            yield return null;
            tick = ScheduledIo.NextTick(tick);
            io.SetReadiness(Generation, tick, Ready.Readable);
            yield return null;
            io.Wake(Ready.Readable);
            yield return null;
        }
    }

    [Fact]
    public void A_reader_racing_with_readiness_events_is_always_woken_for_data_that_arrives()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var io = new ScheduledIo();
            io.Activate(Generation, fd: 3, tick: 0, writeInterest: false, optimistic: false);
            var socket = new Socket();
            int read = -1;
            threads.Start("reader", Reader(io, socket, wanted: 3, done: n => read = n));
            threads.Start("reactor", Reactor(io, socket, bytes: 3));
            threads.Run();
            threads.Assert(read == 3, $"read {read} of 3 bytes");
        }));
    }

    [Fact]
    public void Releasing_the_registration_wakes_a_waiting_reader_and_stale_events_are_ignored()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var io = new ScheduledIo();
            io.Activate(Generation, fd: 3, tick: 0, writeInterest: false, optimistic: false);
            var socket = new Socket();
            int read = -1;
            threads.Start("reader", Reader(io, socket, wanted: 2, done: n => read = n));
            threads.Start("reactor", Reactor(io, socket, bytes: 1));
            threads.Start("closer", Close(io, socket));
            threads.Run();
            threads.Assert(read is 0 or 1, $"read {read}");
            threads.Assert(io.Generation == Generation + 1, "released once");
            threads.Assert(!io.SetReadiness(Generation, 1, Ready.Readable), "an event of the released generation was accepted");
        }));

        static IEnumerable<Func<bool>?> Close(ScheduledIo io, Socket socket)
        {
            yield return null;
            socket.Closed = true; // Dispose: deregister (release) before the descriptor closes
            io.Release(Generation);
        }
    }
}
