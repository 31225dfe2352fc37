using AsyncGen.Drivers;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>
/// The wakers of a <see cref="ScheduledIo"/> are guarded by a spin flag (one interlocked exchange to take, a plain
/// store to release) instead of a <see cref="Lock"/>: stressed here from two threads.
/// </summary>
public class ScheduledIoTests
{
    /// <summary>Counts its wakes; any thread may wake it.</summary>
    private sealed class CountingTarget : IWakeTarget
    {
        public int Wakes;

        public void Wake(int slot, int generation) => Interlocked.Increment(ref Wakes);
    }

    [Fact]
    public void A_waker_stored_while_the_reactor_takes_the_slot_is_never_wiped()
    {
        // The reactor's take is a read of the slot then a clear; an operation's store landing between the two would
        // be wiped without being woken. The operation stores a waker and waits for its wake before storing the next
        // one (ignoring the readiness re-check that would otherwise cover the loss), while the reactor thread sets
        // readiness and takes the slot in a loop: every store must be woken.
        const int rounds = 20_000;
        var io = new ScheduledIo();
        io.Activate(generation: 1, fd: 3, tick: 0, writeInterest: false, optimistic: false);
        bool done = false;
        var reactor = new Thread(() =>
        {
            int tick = 0;
            while (!Volatile.Read(ref done))
            {
                tick = ScheduledIo.NextTick(tick);
                io.SetReadiness(1, tick, Ready.Readable);
                io.Wake(Ready.Readable);
            }
        }) { IsBackground = true, Name = "reactor" };
        reactor.Start();
        var target = new CountingTarget();
        int lost = 0;
        for (int i = 0; i < rounds && lost == 0; i++)
        {
            int before = Volatile.Read(ref target.Wakes);
            io.RegisterWaker(Direction.Read, 1, new Waker(target, i, i), out _);
            var waiting = System.Diagnostics.Stopwatch.StartNew();
            var spinner = new SpinWait();
            while (Volatile.Read(ref target.Wakes) == before)
            {
                if (waiting.Elapsed > TimeSpan.FromSeconds(5))
                {
                    lost++;
                    break;
                }
                spinner.SpinOnce();
            }
        }
        Volatile.Write(ref done, true);
        reactor.Join();
        Assert.Equal(0, lost);
    }
}
