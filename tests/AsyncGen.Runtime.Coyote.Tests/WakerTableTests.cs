using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// WakerTable's generations: a waker kept by another thread after its task completed never wakes the task that
/// reuses the slot, whatever the interleaving of the stale wake with the removal and the reuse.
/// </summary>
public class WakerTableTests
{
    [Fact]
    public void A_stale_waker_never_wakes_the_task_that_reuses_its_slot()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var executor = new QueueScheduler();
            var first = executor.Spawn(new PendingFuture());
            var stale = first.Waker; // a timer or socket kept it
            ITaskCell<int>? second = null;
            threads.Start("owner", Owner());
            threads.Start("stale waker", StaleWaker());
            threads.Run();

            threads.Assert(second is not null && second.Waker.Slot == stale.Slot, "the slot was not reused");
            threads.Assert(!executor.Ready.Contains(second!), "the stale waker woke the task that reused its slot");
            threads.Assert(executor.Violation is null, executor.Violation ?? "");

            IEnumerable<Func<bool>?> Owner()
            {
                yield return null;
                first.Abort();          // scheduled to be cancelled
                yield return null;
                executor.RunOne();      // cancels it: complete, slot freed
                yield return null;
                second = executor.Spawn(new PendingFuture()); // same slot, next generation; never woken
            }

            IEnumerable<Func<bool>?> StaleWaker()
            {
                for (int i = 0; i < 3; i++)
                {
                    yield return null;
                    stale.Wake();
                }
            }
        }));
    }

    /// <summary>
    /// A work-stealing worker's table: its owner adds (taking back the slots other threads freed when its own free
    /// list is empty) and removes its own completed tasks while two other "workers" free tasks that completed there
    /// (<see cref="WakerTable.RemoveFromAnyThread"/>). Whatever the interleaving, no slot is held by two live tasks,
    /// the count is exact at every step, and a stale waker never wakes the task that reuses its slot.
    /// </summary>
    [Fact]
    public void Slots_freed_by_other_threads_are_reused_once_and_counted_exactly()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var executor = new QueueScheduler();
            var table = new WakerTable(executor);
            var live = new List<ITaskCell>();
            var removed = new List<(ITaskCell Task, Waker Waker)>();
            var handed = new[] { new List<ITaskCell>(), new List<ITaskCell>() }; // what each remover frees, in order
            const int Adds = 8;
            threads.Start("owner", Owner());
            threads.Start("remover 0", Remover(0));
            threads.Start("remover 1", Remover(1));
            threads.Run();
            CheckInvariants();
            foreach (var (_, waker) in removed) waker.Wake(); // stale: every slot was freed or reused since
            threads.Assert(executor.Ready.Count == 0, "a stale waker woke the task that reused its slot");

            void CheckInvariants()
            {
                var slots = live.Select(task => task.Waker.Slot).ToList();
                threads.Assert(slots.Distinct().Count() == slots.Count, "a slot is held by two live tasks");
                threads.Assert(table.Count == live.Count, $"count {table.Count}, live {live.Count}");
            }

            IEnumerable<Func<bool>?> Owner()
            {
                for (int i = 0; i < Adds; i++)
                {
                    yield return null;
                    var task = TaskCell.Claim(new PendingFuture());
                    table.Add(task);
                    live.Add(task);
                    CheckInvariants();
                    // Most go to a remover (completed on another worker); some complete here.
                    if (i % 3 == 2)
                    {
                        yield return null;
                        Remove(task, remote: false);
                    }
                    else handed[i % 2].Add(task);
                }
            }

            IEnumerable<Func<bool>?> Remover(int index)
            {
                for (int i = 0; ; i++)
                {
                    int next = i;
                    yield return () => handed[index].Count > next || OwnerDone();
                    if (handed[index].Count <= next) yield break;
                    Remove(handed[index][next], remote: true);
                }
            }

            bool OwnerDone() => live.Count + removed.Count == Adds;

            void Remove(ITaskCell task, bool remote)
            {
                var waker = task.Waker;
                if (remote) table.RemoveFromAnyThread(task, waker.Slot);
                else table.Remove(task, waker.Slot);
                live.Remove(task);
                removed.Add((task, waker));
                CheckInvariants();
            }
        }));
    }

    private sealed class PendingFuture : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => Poll<int>.Pending;

        public void Dispose() { }
    }
}
