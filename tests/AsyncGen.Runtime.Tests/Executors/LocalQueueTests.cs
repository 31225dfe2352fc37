using AsyncGen.Executors.WorkStealing;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// The work-stealing executor's lock-free ring: FIFO across wraparound, overflow of the newer half to the injection
/// queue in one batch, steal-half, a claim held across the copy, and no allocation on push, pop and steal.
/// </summary>
public class LocalQueueTests
{
    private sealed class Never : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => Poll<int>.Pending;
    }

    internal static ITaskCell[] NewTasks(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (ITaskCell)TaskCell.Claim(new Never()))];

    private static List<ITaskCell> PopAll(LocalQueue queue)
    {
        var popped = new List<ITaskCell>();
        while (queue.TryPop(out var task)) popped.Add(task);
        return popped;
    }

    private static List<ITaskCell> PopAll(InjectionQueue queue)
    {
        var popped = new List<ITaskCell>();
        while (queue.TryPop(out var task)) popped.Add(task);
        return popped;
    }

    [Fact]
    public void Push_and_pop_stay_first_in_first_out_across_many_wraparounds()
    {
        var queue = new LocalQueue();
        var injection = new InjectionQueue();
        var tasks = NewTasks(200);
        var expected = new Queue<ITaskCell>();
        int next = 0;
        for (int round = 0; round < 50; round++) // 50 × 150 pushes wrap the 256 slots ~30 times; never more than 250 queued
        {
            for (int i = 0; i < 150; i++)
            {
                var task = tasks[next++ % tasks.Length];
                Assert.False(queue.Push(task, injection));
                expected.Enqueue(task);
            }
            for (int i = 0; i < 50 + round % 50; i++)
            {
                if (expected.Count == 0) break;
                Assert.True(queue.TryPop(out var popped));
                Assert.Same(expected.Dequeue(), popped);
            }
            while (expected.Count > 100)
            {
                Assert.True(queue.TryPop(out var popped));
                Assert.Same(expected.Dequeue(), popped);
            }
            Assert.Equal(expected.Count, queue.Count);
        }
        Assert.Equal(expected, PopAll(queue));
        Assert.True(queue.IsEmpty);
        Assert.True(injection.IsEmpty);
    }

    [Theory]
    [InlineData(0)]   // the ring starts at slot 0
    [InlineData(100)] // the ring's oldest task sits at slot 100: both halves wrap
    [InlineData(200)]
    public void A_full_ring_moves_its_newer_half_and_the_new_task_to_the_injection_queue(int offset)
    {
        var queue = new LocalQueue();
        var injection = new InjectionQueue();
        var warmUp = NewTasks(offset);
        foreach (var task in warmUp) queue.Push(task, injection);
        Assert.Equal(warmUp, PopAll(queue));

        var tasks = NewTasks(LocalQueue.Capacity + 1);
        for (int i = 0; i < LocalQueue.Capacity; i++) Assert.False(queue.Push(tasks[i], injection));
        Assert.Equal(0, queue.RemainingSlots);
        Assert.True(queue.Push(tasks[^1], injection));

        Assert.Equal(LocalQueue.Half, queue.Count);
        Assert.Equal(LocalQueue.Half + 1, injection.Count);
        Assert.Equal(tasks[..LocalQueue.Half], PopAll(queue));           // the older half stays local, in order
        Assert.Equal(tasks[LocalQueue.Half..], PopAll(injection));       // the newer half, then the new task
    }

    [Fact]
    public void The_ring_keeps_working_after_an_overflow()
    {
        var queue = new LocalQueue();
        var injection = new InjectionQueue();
        var tasks = NewTasks(LocalQueue.Capacity * 3);
        foreach (var task in tasks) queue.Push(task, injection);
        var all = PopAll(queue).Concat(PopAll(injection)).ToList();
        Assert.Equal(tasks.Length, all.Count);
        Assert.Equal(tasks.ToHashSet(), all.ToHashSet()); // every task exactly once
    }

    [Fact]
    public void A_steal_takes_the_older_half_rounded_up_and_returns_the_newest_of_them_to_run()
    {
        var victim = new LocalQueue();
        var thief = new LocalQueue();
        var injection = new InjectionQueue();
        var tasks = NewTasks(11);
        foreach (var task in tasks) victim.Push(task, injection);

        var run = victim.StealInto(thief, out int stolen);

        Assert.Equal(6, stolen);
        Assert.Same(tasks[5], run);
        Assert.Equal(tasks[..5], PopAll(thief));
        Assert.Equal(tasks[6..], PopAll(victim));
    }

    [Fact]
    public void Stealing_the_last_task_takes_it_and_stealing_from_an_empty_queue_takes_nothing()
    {
        var victim = new LocalQueue();
        var thief = new LocalQueue();
        var injection = new InjectionQueue();
        var task = NewTasks(1)[0];
        victim.Push(task, injection);

        Assert.Same(task, victim.StealInto(thief, out int stolen));
        Assert.Equal(1, stolen);
        Assert.True(thief.IsEmpty); // the one stolen task is returned to run, not queued
        Assert.Null(victim.StealInto(thief, out stolen));
        Assert.Equal(0, stolen);
    }

    [Fact]
    public void A_thief_whose_own_queue_is_more_than_half_full_does_not_steal()
    {
        var victim = new LocalQueue();
        var thief = new LocalQueue();
        var injection = new InjectionQueue();
        foreach (var task in NewTasks(10)) victim.Push(task, injection);
        foreach (var task in NewTasks(LocalQueue.Half + 1)) thief.Push(task, injection);

        Assert.Null(victim.StealInto(thief, out _));
        Assert.Equal(10, victim.Count);
    }

    [Fact]
    public void While_a_claim_is_held_the_owner_pops_around_it_and_a_second_thief_backs_off()
    {
        var victim = new LocalQueue();
        var thief = new LocalQueue();
        var other = new LocalQueue();
        var injection = new InjectionQueue();
        var tasks = NewTasks(10);
        foreach (var task in tasks) victim.Push(task, injection);

        Assert.True(thief.HasRoomForSteal(out uint thiefTail));
        long claim = victim.ClaimHalf(out int count);
        Assert.Equal(5, count);

        Assert.Null(victim.StealInto(other, out _));                 // one steal at a time
        Assert.True(victim.TryPop(out var popped));                  // the owner pops past the claimed batch
        Assert.Same(tasks[5], popped);

        victim.MoveClaimed(claim, count, thief, thiefTail);
        victim.ReleaseClaim(claim);
        Assert.Same(tasks[4], thief.PublishStolen(thiefTail, count));
        Assert.Equal(tasks[..4], PopAll(thief));
        Assert.Equal(tasks[6..], PopAll(victim));
        victim.Push(tasks[0], injection);
        Assert.Same(tasks[0], victim.StealInto(other, out _));       // the claim was released: stealing works again
    }

    [Fact]
    public void A_full_ring_with_a_steal_in_progress_overflows_only_the_new_task()
    {
        var victim = new LocalQueue();
        var thief = new LocalQueue();
        var injection = new InjectionQueue();
        var tasks = NewTasks(LocalQueue.Capacity + 1);
        foreach (var task in tasks[..LocalQueue.Capacity]) victim.Push(task, injection);
        Assert.True(thief.HasRoomForSteal(out uint thiefTail));
        long claim = victim.ClaimHalf(out int count);

        Assert.True(victim.Push(tasks[^1], injection));               // the claimed slots are not free yet

        Assert.Equal([tasks[^1]], PopAll(injection));
        victim.MoveClaimed(claim, count, thief, thiefTail);
        victim.ReleaseClaim(claim);
        thief.PublishStolen(thiefTail, count);
        Assert.Equal(LocalQueue.Capacity - count, victim.Count);
        Assert.Equal(tasks[count..LocalQueue.Capacity], PopAll(victim));
    }

    [Fact]
    public void Vacated_slots_do_not_keep_finished_tasks_alive()
    {
        var victim = new LocalQueue();
        var thief = new LocalQueue();
        var injection = new InjectionQueue();
        var references = FillAndDrain(victim, thief, injection);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.All(references, reference => Assert.False(reference.IsAlive, "a ring slot still holds a task"));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference[] FillAndDrain(LocalQueue victim, LocalQueue thief, InjectionQueue injection)
    {
        var tasks = NewTasks(LocalQueue.Capacity + 1);
        foreach (var task in tasks) victim.Push(task, injection);      // overflow
        victim.StealInto(thief, out _);                                  // steal
        PopAll(victim);                                                  // pop
        PopAll(thief);
        PopAll(injection);
        return [.. tasks.Select(task => new WeakReference(task))];
    }

    [Fact]
    public void Push_pop_and_steal_allocate_nothing()
    {
        var victim = new LocalQueue();
        var thief = new LocalQueue();
        var injection = new InjectionQueue();
        var tasks = NewTasks(64);
        Cycle(); // warm up: JIT, tiering

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Cycle();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        void Cycle()
        {
            foreach (var task in tasks) victim.Push(task, injection);
            Assert.NotNull(victim.StealInto(thief, out _));
            while (victim.TryPop(out _)) { }
            while (thief.TryPop(out _)) { }
        }
    }

    [Fact]
    public void Overflowing_into_a_grown_injection_queue_allocates_nothing()
    {
        var queue = new LocalQueue();
        var injection = new InjectionQueue();
        var tasks = NewTasks(LocalQueue.Capacity + 1);
        Cycle(); // warm up; the injection queue reaches its working size

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Cycle();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        void Cycle()
        {
            foreach (var task in tasks) queue.Push(task, injection);
            while (queue.TryPop(out _)) { }
            while (injection.TryPop(out _)) { }
        }
    }
}
