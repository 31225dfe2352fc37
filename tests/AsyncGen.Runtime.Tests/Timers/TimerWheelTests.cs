using AsyncGen.Drivers;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Timers;

/// <summary>The wheel on a fake clock: exact firing times across all levels.</summary>
public class TimerWheelTests
{
    private sealed class FiringLog : IWakeTarget
    {
        public readonly List<(int Id, long At)> Fired = [];
        public long Now;
        public Waker For(int id) => new(this, id, 0);
        public void Wake(int slot, int generation) => Fired.Add((slot, Now));
    }

    private static void AdvanceTo(TimerWheel wheel, FiringLog log, long target)
    {
        // Step exactly to each next deadline, as a parked executor would.
        while (wheel.NextDeadline <= target)
        {
            log.Now = Math.Max(log.Now, wheel.NextDeadline);
            wheel.Advance(log.Now);
        }
        log.Now = target;
        wheel.Advance(target);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(4_095)]
    [InlineData(4_096)]
    [InlineData(262_145)]
    [InlineData(16_777_300)]
    [InlineData(1_073_741_900)]
    public void A_timer_fires_exactly_at_its_deadline_on_every_level(long delay)
    {
        var log = new FiringLog { Now = 1_000 };
        var wheel = new TimerWheel(startMs: 1_000);
        wheel.Insert(1_000 + delay, log.For(7));

        AdvanceTo(wheel, log, 1_000 + delay - 1);
        Assert.Empty(log.Fired);
        AdvanceTo(wheel, log, 1_000 + delay);
        Assert.Equal([(7, 1_000 + delay)], log.Fired);
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void Random_timers_fire_in_deadline_order_never_early()
    {
        var random = new Random(42);
        var log = new FiringLog();
        var wheel = new TimerWheel(startMs: 0);
        var deadlines = new Dictionary<int, long>();
        for (int id = 0; id < 5_000; id++)
        {
            long deadline = random.Next(4) switch { 0 => random.Next(1, 64), 1 => random.Next(1, 5_000), 2 => random.Next(1, 300_000), _ => random.Next(1, 20_000_000) };
            deadlines[id] = deadline;
            wheel.Insert(deadline, log.For(id));
        }

        AdvanceTo(wheel, log, 20_000_000);

        Assert.Equal(deadlines.Count, log.Fired.Count);
        Assert.All(log.Fired, f => Assert.Equal(deadlines[f.Id], f.At));
        Assert.Equal(log.Fired.OrderBy(f => f.At).Select(f => f.At), log.Fired.Select(f => f.At));
    }

    [Fact]
    public void Random_timers_from_every_phase_of_the_clock_fire_exactly_at_their_deadlines()
    {
        var random = new Random(7);
        for (int round = 0; round < 20; round++)
        {
            long start = random.NextInt64(0, 1L << 40);
            var log = new FiringLog { Now = start };
            var wheel = new TimerWheel(startMs: start);
            var deadlines = new Dictionary<int, long>();
            for (int id = 0; id < 500; id++)
            {
                // Inserted as the clock moves on, so every level is filed from many phases of its slots.
                if (random.Next(4) == 0) AdvanceTo(wheel, log, log.Now + random.Next(1, 300));
                long delay = random.Next(5) switch { 0 => random.Next(0, 64), 1 => random.Next(60, 70), 2 => random.Next(1, 4_200), 3 => random.Next(4_000, 300_000), _ => random.NextInt64(1, 1L << 33) };
                deadlines[id] = log.Now + delay;
                wheel.Insert(log.Now + delay, log.For(id));
            }

            AdvanceTo(wheel, log, deadlines.Values.Max());

            Assert.Equal(deadlines.Count, log.Fired.Count);
            Assert.All(log.Fired, f => Assert.Equal(deadlines[f.Id], f.At));
            Assert.Equal(0, wheel.Count);
        }
    }

    [Fact]
    public void A_timer_less_than_128_ms_away_never_cascades_whatever_the_phase()
    {
        var log = new FiringLog();
        var wheel = new TimerWheel(startMs: 0);
        for (int id = 0; id < 1_000; id++)
        {
            // One timer per millisecond of the clock, each 1–127 ms away: many cross a 64 ms boundary.
            wheel.Insert(log.Now + 1 + id % 127, log.For(id));
            AdvanceTo(wheel, log, log.Now + 1);
        }
        AdvanceTo(wheel, log, log.Now + 128);

        Assert.Equal(1_000, log.Fired.Count);
        Assert.Equal(0, wheel.Cascaded);
    }

    [Fact]
    public void The_next_level_1_slot_moves_into_level_0_in_bounded_steps_before_the_clock_reaches_it()
    {
        // 20 timers per millisecond of the level-1 slot [256, 320), inserted at 0 (more than 128 ms away: level 1),
        // plus, later, one timer for each of those milliseconds filed in level 0 directly.
        const int perMs = 20;
        var log = new FiringLog();
        var wheel = new TimerWheel(startMs: 0);
        var deadlines = new Dictionary<int, long>();
        int id = 0;
        for (int n = 0; n < perMs; n++)
        {
            for (long at = 256; at < 320; at++, id++)
            {
                wheel.Insert(at, log.For(id));
                deadlines[id] = at;
            }
        }
        int early = id;
        long mostPerTurn = 0;
        for (long now = 1; now < 256; now++)
        {
            if (now == 200)
            {
                for (long at = 256; at < 320; at++, id++)
                {
                    wheel.Insert(at, log.For(id));
                    deadlines[id] = at;
                }
            }
            long before = wheel.Cascaded;
            log.Now = now;
            wheel.Advance(now);
            mostPerTurn = Math.Max(mostPerTurn, wheel.Cascaded - before);
        }

        // All of the slot moved before its start, in turns of at most EarlyCascadePerTurn, none before 192 (its
        // last millisecond would not have fit level 0).
        Assert.Equal(early, wheel.Cascaded);
        Assert.InRange(mostPerTurn, 1, TimerWheel.EarlyCascadePerTurn);
        Assert.Empty(log.Fired);
        AdvanceTo(wheel, log, 320);
        Assert.Equal(early, wheel.Cascaded);
        Assert.Equal(id, log.Fired.Count);
        Assert.All(log.Fired, f => Assert.Equal(deadlines[f.Id], f.At));
        // Equal deadlines in insertion order: the ones moved early (smaller ids) before the one filed directly.
        foreach (var group in log.Fired.GroupBy(f => f.At))
            Assert.Equal(group.Select(f => f.Id).Order(), group.Select(f => f.Id));
    }

    [Fact]
    public void Moving_a_level_1_slot_early_stops_at_the_turns_budget_and_the_rest_moves_when_the_clock_reaches_it()
    {
        var log = new FiringLog();
        var wheel = new TimerWheel(startMs: 0);
        int count = TimerWheel.EarlyCascadePerTurn * 3;
        for (int id = 0; id < count; id++) wheel.Insert(256 + id % 64, log.For(id));

        log.Now = 192;
        wheel.Advance(192); // one turn inside the 64 ms before the slot's start: one budget's worth moves
        Assert.Equal(TimerWheel.EarlyCascadePerTurn, wheel.Cascaded);
        log.Now = 256;
        wheel.Advance(256); // the jump to the start re-files the rest with the slot (firing those due at 256)
        // Those left in the slot and due at 256 fire from it without a re-filing; every other one was re-filed once.
        int dueAtStartLeftInSlot = (count - TimerWheel.EarlyCascadePerTurn) / 64;
        Assert.Equal(count - dueAtStartLeftInSlot, wheel.Cascaded);
        Assert.Equal(0, wheel.Advance(256));
        AdvanceTo(wheel, log, 320);

        Assert.Equal(count, log.Fired.Count);
        Assert.All(log.Fired, f => Assert.Equal(256 + f.Id % 64, f.At));
        foreach (var group in log.Fired.GroupBy(f => f.At))
            Assert.Equal(group.Select(f => f.Id).Order(), group.Select(f => f.Id));
    }

    [Fact]
    public void An_idle_executor_wakes_for_the_early_moves_so_no_turn_re_files_more_than_the_budget()
    {
        // Review G2: 40,000 sleeps of 192–255 ms started together, nothing else: the executor turns only when it
        // wakes (at NextDeadline). Before, it slept to 192 and that turn re-filed 39,375 timers.
        const int count = 40_000;
        var log = new FiringLog();
        var wheel = new TimerWheel(startMs: 0);
        for (int id = 0; id < count; id++) wheel.Insert(192 + id % 64, log.For(id));

        long mostInATurn = 0;
        while (wheel.NextDeadline != long.MaxValue)
        {
            log.Now = Math.Max(log.Now, wheel.NextDeadline);
            long before = wheel.Cascaded;
            wheel.Advance(log.Now);
            mostInATurn = Math.Max(mostInATurn, wheel.Cascaded - before);
        }

        Assert.True(mostInATurn <= TimerWheel.EarlyCascadePerTurn, $"a turn re-filed {mostInATurn}");
        Assert.Equal(count, log.Fired.Count);
        Assert.All(log.Fired, f => Assert.Equal(192 + f.Id % 64, f.At)); // never early, never late
        foreach (var group in log.Fired.GroupBy(f => f.At))
            Assert.Equal(group.Select(f => f.Id).Order(), group.Select(f => f.Id));
    }

    [Fact]
    public void Threads_advancing_one_wheel_at_once_fire_every_timer_exactly_once()
    {
        // A work-stealing worker fires due timers while another, parked in the driver, may fire them too.
        const int perThread = 20_000;
        var wheel = new TimerWheel(startMs: 0);
        var wakes = new int[4 * perThread];
        var target = new CountingTarget(wakes);
        long now = 0;
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            for (int i = 0; i < perThread; i++)
            {
                long at = Interlocked.Read(ref now);
                wheel.Insert(at + random.Next(0, 70), new Waker(target, t * perThread + i, 0));
                wheel.Advance(Interlocked.Increment(ref now) / 4);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        while (wheel.Count > 0) wheel.Advance(++now);

        Assert.All(wakes, count => Assert.Equal(1, count));
    }

    private sealed class CountingTarget(int[] wakes) : IWakeTarget
    {
        public void Wake(int slot, int generation) => Interlocked.Increment(ref wakes[slot]);
    }

    [Fact]
    public void A_big_jump_fires_everything_due_in_deadline_order()
    {
        var log = new FiringLog();
        var wheel = new TimerWheel(startMs: 0);
        long[] deadlines = [70_000, 5, 4_100, 64, 300];
        for (int id = 0; id < deadlines.Length; id++) wheel.Insert(deadlines[id], log.For(id));

        log.Now = 100_000;
        Assert.Equal(5, wheel.Advance(100_000));

        Assert.Equal([1, 3, 4, 2, 0], log.Fired.Select(f => f.Id));
    }

    [Fact]
    public void Timers_with_equal_deadlines_fire_in_insertion_order()
    {
        var log = new FiringLog();
        var wheel = new TimerWheel(startMs: 0);
        for (int id = 0; id < 5; id++) wheel.Insert(5_000, log.For(id));
        var removed = wheel.Insert(5_000, log.For(99));
        wheel.Insert(5_000, log.For(5));
        wheel.Remove(removed);

        AdvanceTo(wheel, log, 5_000);

        Assert.Equal([0, 1, 2, 3, 4, 5], log.Fired.Select(f => f.Id));
    }

    [Fact]
    public void A_removed_timer_never_fires_and_its_stale_handle_cannot_touch_the_timer_reusing_its_entry()
    {
        var log = new FiringLog();
        var wheel = new TimerWheel(startMs: 0);
        var removed = wheel.Insert(100, log.For(1));
        wheel.Insert(100, log.For(2));
        wheel.Remove(removed);
        var reusing = wheel.Insert(150, log.For(3));
        Assert.Equal(removed.Index, reusing.Index); // the freed entry, under a new generation

        wheel.Remove(removed); // stale: does nothing
        AdvanceTo(wheel, log, 200);

        Assert.Equal([2, 3], log.Fired.Select(f => f.Id));
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void Firing_frees_the_entry_so_the_sleeper_sees_fired_and_has_nothing_to_remove()
    {
        var log = new FiringLog();
        var wheel = new TimerWheel(startMs: 0);
        var fired = wheel.Insert(10, log.For(1));
        Assert.False(wheel.PollFired(fired, log.For(1)));

        AdvanceTo(wheel, log, 10);
        var next = wheel.Insert(20, log.For(2)); // reuses the entry the firing freed
        Assert.Equal(fired.Index, next.Index);

        Assert.True(wheel.PollFired(fired, log.For(1)));
        wheel.Remove(fired); // a sleep disposed after it fired: nothing to do, and the new timer stays
        Assert.False(wheel.PollFired(next, log.For(2)));
        AdvanceTo(wheel, log, 20);
        Assert.Equal([(1, 10L), (2, 20L)], log.Fired);
        Assert.True(wheel.PollFired(next, log.For(2)));
    }

    [Fact]
    public void The_next_deadline_is_reported_for_the_parker()
    {
        var wheel = new TimerWheel(startMs: 0);
        Assert.Equal(long.MaxValue, wheel.NextDeadline);
        wheel.Insert(50, new CountingWakeTarget().Waker);
        Assert.Equal(50, wheel.NextDeadline);
    }
}
