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

    private sealed class PendingFuture : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => Poll<int>.Pending;

        public void Dispose() { }
    }
}
