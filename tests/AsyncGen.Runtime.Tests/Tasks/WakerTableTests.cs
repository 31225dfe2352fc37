using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Tests.Tasks;

public class WakerTableTests
{
    private sealed class RecordingTask : ITaskCell
    {
        public int Wakes;
        public Waker Waker { get; private set; }
        public bool IsComplete => false;
        public string Name => "recording";
        public int PollCount => 0;
        public void Bind(Waker waker) => Waker = waker;
        public void Wake() => Wakes++;
        public void Run() { }
        public void Cancel() { }
        public void Abort() { }
        public long Id => ((WakerTable)Waker.Target!).IdOf(Waker.Slot, this);
        public TaskState State => TaskState.Idle;
        public long LastPollMs => 0;
        public long LastWakeMs => 0;
        public void CollectOwnFrames(List<AsyncGen.Diagnostics.AsyncFrame> frames) { }
    }

    private sealed class NoScheduler : ITaskScheduler
    {
        public void Schedule(ITaskCell task) => throw new InvalidOperationException("recording tasks are never scheduled");
        public void Release(ITaskCell task, int slot) { }
        public AsyncGen.Diagnostics.ExecutorMetrics Metrics { get; } = new("test", threads: 1, () => 0, () => 0, _ => 0);
    }

    [Fact]
    public void A_waker_wakes_its_task()
    {
        var table = new WakerTable(new NoScheduler());
        var task = new RecordingTask();
        table.Add(task);
        task.Waker.Wake();
        task.Waker.Wake();
        Assert.Equal(2, task.Wakes);
    }

    [Fact]
    public void A_stale_waker_does_not_wake_the_task_that_reuses_its_slot()
    {
        var table = new WakerTable(new NoScheduler());
        var first = new RecordingTask();
        table.Add(first);
        var stale = first.Waker;
        table.Remove(first, first.Waker.Slot);

        var second = new RecordingTask();
        table.Add(second);
        stale.Wake();

        Assert.Equal(0, first.Wakes);
        Assert.Equal(0, second.Wakes);
        Assert.False(stale.WillWake(second.Waker));
    }

    [Fact]
    public void A_task_keeps_its_id_while_alive_and_a_task_that_reuses_its_slot_gets_its_own()
    {
        var table = new WakerTable(new NoScheduler());
        var first = new RecordingTask();
        table.Add(first);
        long firstId = first.Id;
        Assert.NotEqual(0, firstId);
        int slot = first.Waker.Slot;
        table.Remove(first, first.Waker.Slot);
        Assert.Equal(0, first.Id); // the slot no longer names it

        var second = new RecordingTask();
        table.Add(second);
        Assert.Equal(slot, second.Waker.Slot);
        Assert.True(second.Id > firstId);
        Assert.Equal(0, first.Id);
        Assert.Equal(0, table.IdOf(slot, first));
        Assert.Equal(unchecked((int)second.Id), second.Waker.Generation);
    }

    /// <summary>
    /// Stress: ids read from another thread while the owner frees and reuses slots are each either the task's own id
    /// or 0 (completed) — never the free-list link or the id of the task that took the slot.
    /// </summary>
    [Fact]
    public void Ids_read_from_another_thread_while_slots_are_reused_are_the_tasks_own_or_zero()
    {
        for (int round = 0; round < 50; round++)
        {
            var table = new WakerTable(new NoScheduler());
            var tasks = Enumerable.Range(0, 256).Select(_ => new RecordingTask()).ToArray();
            foreach (var task in tasks) table.Add(task);
            var ids = tasks.Select(t => t.Id).ToArray();
            using var go = new Barrier(2);
            bool done = false;
            string? violation = null;
            var reader = new Thread(() =>
            {
                go.SignalAndWait();
                while (!Volatile.Read(ref done) && violation is null)
                {
                    for (int i = 0; i < tasks.Length; i++)
                    {
                        long id = tasks[i].Id;
                        if (id != 0 && id != ids[i]) violation = $"task {i} (id {ids[i]}) read as {id}";
                    }
                }
            });
            reader.Start();
            go.SignalAndWait();
            // Frees each task's slot and churns it through new tasks (new ids, free-list links in between).
            for (int i = 0; i < tasks.Length; i++)
            {
                table.Remove(tasks[i], tasks[i].Waker.Slot);
                for (int k = 0; k < 4; k++)
                {
                    var filler = new RecordingTask();
                    table.Add(filler);
                    table.Remove(filler, filler.Waker.Slot);
                }
            }
            Volatile.Write(ref done, true);
            reader.Join();
            Assert.Null(violation);
            Assert.All(tasks, task => Assert.Equal(0, task.Id));
        }
    }

    [Fact]
    public void Slots_grow_beyond_the_initial_capacity_and_are_reused()
    {
        var table = new WakerTable(new NoScheduler());
        var tasks = Enumerable.Range(0, 1000).Select(_ => new RecordingTask()).ToArray();
        foreach (var task in tasks) table.Add(task);
        foreach (var task in tasks) task.Waker.Wake();
        Assert.All(tasks, t => Assert.Equal(1, t.Wakes));
        foreach (var task in tasks) table.Remove(task, task.Waker.Slot);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Ids_are_unique_across_tables_and_increase_in_spawn_order_on_each()
    {
        var tables = new[] { new WakerTable(new NoScheduler()), new WakerTable(new NoScheduler()) };
        var tasks = new List<RecordingTask>[] { [], [] };
        for (int i = 0; i < 300; i++) // interleaved, across several of each table's id blocks
        {
            var task = new RecordingTask();
            tables[i % 2].Add(task);
            tasks[i % 2].Add(task);
        }
        Assert.Equal(300, tasks.SelectMany(t => t).Select(t => t.Id).Distinct().Count());
        Assert.All(tasks, spawned => Assert.Equal(spawned.Select(t => t.Id).Order(), spawned.Select(t => t.Id)));
        Assert.All(tasks.SelectMany(t => t), t => Assert.Equal(unchecked((int)t.Id), t.Waker.Generation));
    }

    [Fact]
    public void Each_slot_keeps_its_own_stamps_on_every_page()
    {
        var table = new WakerTable(new NoScheduler());
        var tasks = Enumerable.Range(0, 1000).Select(_ => new RecordingTask()).ToArray(); // four pages of 256
        foreach (var task in tasks) table.Add(task);
        // Stamped at Add (the coarse clock is shared with other tests, which may advance it meanwhile).
        var spawned = tasks.ToDictionary(t => t.Waker.Slot, t => table.LastWakeMs(t.Waker.Slot));
        Assert.All(tasks, t => Assert.Equal(spawned[t.Waker.Slot], table.LastPollMs(t.Waker.Slot)));

        long later = AdvanceClockPast(spawned.Values.Max());
        var stamped = tasks.Where((_, i) => i % 3 == 0).Select(t => t.Waker.Slot).ToHashSet();
        foreach (int slot in stamped) table.StampWake(slot);

        Assert.All(tasks, task =>
        {
            int slot = task.Waker.Slot;
            if (stamped.Contains(slot)) Assert.True(table.LastWakeMs(slot) >= later, $"slot {slot} lost its stamp");
            else Assert.Equal(spawned[slot], table.LastWakeMs(slot));
            Assert.Equal(spawned[slot], table.LastPollMs(slot));
        });
    }

    /// <summary>
    /// Stress: wakes and wake stamps from another thread while the owner adds tasks and grows the table. Pages
    /// never move, so no wake is lost and no stamp lands in a copy that the table then drops.
    /// </summary>
    [Fact]
    public void Wakes_and_stamps_from_another_thread_survive_the_table_growing()
    {
        for (int round = 0; round < 20; round++)
        {
            var table = new WakerTable(new NoScheduler());
            var first = Enumerable.Range(0, 60).Select(_ => new RecordingTask()).ToArray();
            foreach (var task in first) table.Add(task);
            long later = AdvanceClockPast(table.LastWakeMs(first[0].Waker.Slot));
            using var go = new Barrier(2);
            var waker = new Thread(() =>
            {
                go.SignalAndWait();
                for (int i = 0; i < 200; i++)
                {
                    foreach (var task in first)
                    {
                        task.Waker.Wake();
                        table.StampWake(task.Waker.Slot);
                    }
                }
            });
            waker.Start();
            go.SignalAndWait();
            for (int i = 0; i < 5000; i++) table.Add(new RecordingTask()); // 20 pages more, the directory doubled 5 times meanwhile
            waker.Join();

            Assert.All(first, task =>
            {
                Assert.Equal(200, task.Wakes);
                Assert.True(table.LastWakeMs(task.Waker.Slot) >= later, "a stamp was lost");
            });
        }
    }

    /// <summary>Moves the coarse clock the tables stamp with past <paramref name="ms"/>; returns its new time.</summary>
    private static long AdvanceClockPast(long ms)
    {
        while (AsyncGen.Diagnostics.CoarseClock.Advance() <= ms) Thread.Sleep(1);
        return TaskClock.ToMs(TaskClock.Now());
    }

    [Fact]
    public void Copies_of_a_waker_are_equal_and_the_noop_waker_does_nothing()
    {
        var table = new WakerTable(new NoScheduler());
        var task = new RecordingTask();
        table.Add(task);
        Waker copy = task.Waker;
        Assert.True(copy.WillWake(task.Waker));
        Assert.True(Waker.Noop.IsNoop);
        Waker.Noop.Wake();
        Assert.Equal(0, task.Wakes);
    }

    [Fact]
    public void A_slot_freed_by_another_thread_is_reused_by_the_owner_and_counted_at_once()
    {
        var table = new WakerTable(new NoScheduler());
        var first = new RecordingTask();
        var second = new RecordingTask();
        table.Add(first);
        table.Add(second);
        var stale = first.Waker;
        var remover = new Thread(() => table.RemoveFromAnyThread(first, first.Waker.Slot));
        remover.Start();
        remover.Join();
        Assert.Equal(1, table.Count); // counted when freed, not when the owner takes the slot back
        Assert.Equal(0, first.Id);

        var third = new RecordingTask();
        table.Add(third); // no free slot of the owner's own: takes the one freed remotely instead of a new one
        Assert.Equal(stale.Slot, third.Waker.Slot);
        Assert.Equal(2, table.Count);
        stale.Wake();
        Assert.Equal(0, third.Wakes);
        Assert.Throws<InvalidOperationException>(() => table.RemoveFromAnyThread(first, stale.Slot)); // released twice
    }

    [Fact]
    public void Slots_freed_by_two_threads_while_the_owner_adds_are_never_handed_to_two_live_tasks()
    {
        const int Tasks = 200_000;
        var table = new WakerTable(new NoScheduler());
        var live = new System.Collections.Concurrent.ConcurrentDictionary<int, RecordingTask>();
        var handoff = new System.Collections.Concurrent.BlockingCollection<RecordingTask>(boundedCapacity: 4096);
        int reused = 0, misplaced = 0;
        var removers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            foreach (var task in handoff.GetConsumingEnumerable())
            {
                int slot = task.Waker.Slot;
                // Out of the ledger before the slot is free (the owner may reuse it at once). No Assert on this thread.
                if (!live.TryRemove(slot, out var held) || !ReferenceEquals(held, task)) Interlocked.Increment(ref misplaced);
                table.RemoveFromAnyThread(task, slot);
            }
        })).ToArray();
        foreach (var remover in removers) remover.Start();
        int highest = -1;
        for (int i = 0; i < Tasks; i++)
        {
            var task = new RecordingTask();
            table.Add(task);
            int slot = task.Waker.Slot;
            if (slot <= highest) reused++;
            highest = Math.Max(highest, slot);
            // A slot still held by a live task would fail here: it was handed out twice.
            Assert.True(live.TryAdd(slot, task), $"slot {slot} was given to a second live task");
            handoff.Add(task);
        }
        handoff.CompleteAdding();
        foreach (var remover in removers) remover.Join();
        Assert.Equal(0, misplaced);
        Assert.Equal(0, table.Count);
        Assert.Empty(table.Snapshot());
        Assert.True(reused > Tasks / 2, $"only {reused} of {Tasks} adds reused a slot freed by the other threads");
        Assert.True(highest < 16_384, $"the table grew to {highest + 1} slots for at most ~4,100 live tasks");
    }
}
