using AsyncGen.Drivers;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>
/// <see cref="SpinFlag"/>, the registrations' embedded lock (<see cref="ScheduledIo"/>'s wakers, an io_uring
/// registration's whole state): mutual exclusion from two threads, and a wait for it counted once.
/// </summary>
public class SpinFlagTests
{
    private sealed class Guarded
    {
        public SpinFlag Flag;
        public long Count; // written only under Flag, with a plain read-modify-write that loses updates without it
    }

    [Fact]
    public void Two_threads_incrementing_under_the_flag_lose_no_update()
    {
        const int PerThread = 200_000;
        var guarded = new Guarded();
        var contention = new ContentionCounter();
        using var start = new Barrier(2);
        void Increment()
        {
            start.SignalAndWait();
            for (int i = 0; i < PerThread; i++)
            {
                guarded.Flag.Enter(contention);
                guarded.Count++;
                guarded.Flag.Exit();
            }
        }
        var other = new Thread(Increment) { IsBackground = true, Name = "incrementer" };
        other.Start();
        Increment();
        other.Join();
        Assert.Equal(2L * PerThread, guarded.Count);
        Assert.False(guarded.Flag.IsHeld);
        Assert.InRange(contention.Count, 0, 2L * PerThread); // at most one count per acquisition
    }

    [Fact]
    public void A_thread_that_finds_the_flag_held_counts_one_contention_and_enters_once_it_is_released()
    {
        var guarded = new Guarded();
        var contention = new ContentionCounter();
        guarded.Flag.Enter(contention);
        Assert.True(guarded.Flag.IsHeld);
        bool entered = false;
        var waiter = new Thread(() =>
        {
            guarded.Flag.Enter(contention);
            Volatile.Write(ref entered, true);
            guarded.Flag.Exit();
        }) { IsBackground = true, Name = "waiter" };
        waiter.Start();
        // The waiter counts before it spins: wait for that, then it must still be outside.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (contention.Count == 0 && DateTime.UtcNow < deadline) Thread.Yield();
        Assert.Equal(1, contention.Count);
        Assert.False(Volatile.Read(ref entered));
        guarded.Flag.Exit();
        Assert.True(waiter.Join(TimeSpan.FromSeconds(30)), "the waiter never entered after the release");
        Assert.True(entered);
        Assert.Equal(1, contention.Count);
        Assert.False(guarded.Flag.IsHeld);
    }
}
