using System.Net.Sockets;
using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Drivers.Epoll;
using AsyncGen.Drivers.IoUring;

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

    [Fact]
    public void An_uncontended_waker_flag_counts_no_contention()
    {
        var contention = new ContentionCounter();
        var io = new ScheduledIo(contention);
        io.Activate(generation: 1, fd: 3, tick: 0, writeInterest: false, optimistic: false);
        var target = new CountingTarget();
        for (int i = 0; i < 10_000; i++)
        {
            io.RegisterWaker(Direction.Read, 1, new Waker(target, i, i), out _);
            io.Wake(Ready.Readable);
        }
        Assert.Equal(10_000, target.Wakes);
        Assert.Equal(0, contention.Count);
    }

    [Fact]
    public void Contended_waker_flag_acquisitions_are_counted_by_the_epoll_driver_and_on_the_executor_threads_blocks()
    {
        using var driver = new EpollDriver();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Blocking = false;
        var registration = (EpollRegistration)driver.Register(socket, connecting: false);
        AssertContentionCounted(registration.Io, () => driver.WakerContentionCount, registration.Deregister);
    }

    [Fact]
    public void Contended_waker_flag_acquisitions_are_counted_by_the_io_uring_driver_and_on_the_executor_threads_blocks()
    {
        // io_uring is the default driver on Linux, and its rings per worker make a foreign-worker wake of a
        // registration likely: its flags are counted in the same instrument (review finding 9).
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Blocking = false;
            var registration = Assert.IsType<IoUringRegistration>(driver!.Register(socket, connecting: false));
            AssertContentionCounted(registration.Io, () => driver.WakerContentionCount, registration.Deregister);
        }
    }

    /// <summary>
    /// An operation storing its waker while the reactor dispatches the same descriptor, on two threads, until the flag
    /// has been found held a few times (on two cores it is within milliseconds; the bound only ends a run on a machine
    /// that never overlaps them, and then the assertion below says so).
    /// </summary>
    private static void AssertContentionCounted(ScheduledIo io, Func<long> driverCount, Action deregister)
    {
        int generation = io.Generation;
        var metrics = new ExecutorMetrics(AsyncGenMetrics.LocalKind, threads: 2, () => 0, () => 0, _ => 0);
        var target = new CountingTarget();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        bool Done() => driverCount() >= 10 || DateTime.UtcNow > deadline;
        var reactor = new Thread(() =>
        {
            using var scope = metrics.Threads[0].Enter();
            int tick = 0;
            while (!Done())
            {
                for (int i = 0; i < 1_000; i++)
                {
                    tick = ScheduledIo.NextTick(tick);
                    io.SetReadiness(generation, tick, Ready.Readable);
                    io.Wake(Ready.Readable);
                }
            }
        }) { IsBackground = true, Name = "reactor" };
        var operation = new Thread(() =>
        {
            using var scope = metrics.Threads[1].Enter();
            int round = 0;
            while (!Done())
            {
                for (int i = 0; i < 1_000; i++, round++) io.RegisterWaker(Direction.Read, generation, new Waker(target, round, round), out _);
            }
        }) { IsBackground = true, Name = "operation" };
        reactor.Start();
        operation.Start();
        reactor.Join();
        operation.Join();
        deregister();

        long contended = driverCount();
        metrics.Unregister();
        Assert.True(contended >= 10, $"only {contended} contended acquisitions in 30 s of two threads on one flag");
        // Each contended acquisition is also counted on the executor thread's block (the Meter's asyncgen.io.waker_contentions).
        Assert.Equal(contended, metrics.Total(RuntimeCounter.IoWakerContentions));
    }

    [Fact]
    public void Counting_contention_leaves_the_uncontended_acquisition_allocation_free()
    {
        var io = new ScheduledIo(new ContentionCounter());
        io.Activate(generation: 1, fd: 3, tick: 0, writeInterest: false, optimistic: false);
        var target = new CountingTarget();
        var waker = new Waker(target, 1, 1);
        io.RegisterWaker(Direction.Read, 1, waker, out _);
        io.Wake(Ready.Readable);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            io.RegisterWaker(Direction.Read, 1, waker, out _);
            io.Wake(Ready.Readable);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
