using AsyncGen.Executors.WorkStealing;
using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The searching-worker accounting (<see cref="IdleWorkers"/>) with the real injection queue: workers that look for
/// work, search, park and are notified, and a thread outside that injects tasks and notifies. Whatever the
/// interleaving, no task is stranded while every worker sleeps (a lost wake-up), and no task is taken twice.
/// </summary>
/// <remarks>
/// The workers follow <c>Worker.Run</c> and <c>Worker.Park</c> step by step (injection queue, then searching, then the
/// park transitions and the last searcher's re-check); their blocking is modelled: a parked worker waits until a
/// notifier picked it (<see cref="IdleWorkers.WorkerToNotify"/>), as <c>WorkerParker</c> does. Local queues and the
/// driver are left out: they change where work is found, not the protocol that makes someone look.
/// </remarks>
public class IdleWorkersTests
{
    private sealed class Never : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => Poll<int>.Pending;
    }

    private sealed class Pool(int workers, int tasks)
    {
        public readonly IdleWorkers Idle = new(workers);
        public readonly InjectionQueue Injection = new();
        public readonly bool[] Unparked = new bool[workers];
        public int Taken;
        public int Total => tasks;

        public void NotifyParked()
        {
            int index = Idle.WorkerToNotify();
            if (index >= 0) Unparked[index] = true;
        }

        public bool AllTaken => Taken == tasks;
    }

    private static IEnumerable<Func<bool>?> Worker(Pool pool, int index)
    {
        bool searching = false;
        while (!pool.AllTaken)
        {
            yield return null;
            bool found = pool.Injection.TryPop(out _); // NextTask
            if (!found)
            {
                yield return null;
                if (!searching) searching = pool.Idle.TransitionToSearching(); // StealWork
                if (searching)
                {
                    yield return null;
                    found = pool.Injection.TryPop(out _);
                }
            }
            if (found)
            {
                if (searching)
                {
                    searching = false;
                    yield return null;
                    if (pool.Idle.TransitionFromSearching()) pool.NotifyParked(); // the last searcher wakes another
                }
                pool.Taken++;
                continue;
            }
            // Park.
            yield return null;
            bool last = pool.Idle.TransitionToParked(index, searching);
            searching = false;
            if (last)
            {
                yield return null;
                if (!pool.Injection.IsEmpty) pool.NotifyParked(); // the last searcher's re-check
            }
            while (true)
            {
                yield return () => pool.Unparked[index] || pool.AllTaken;
                if (pool.AllTaken) yield break;
                pool.Unparked[index] = false;
                yield return null;
                if (!pool.Idle.IsSleeping(index))
                {
                    searching = true; // the notifier counted it searching
                    break;
                }
            }
        }
    }

    private static IEnumerable<Func<bool>?> Injector(Pool pool, int tasks)
    {
        for (int i = 0; i < tasks; i++)
        {
            yield return null;
            pool.Injection.Push(TaskCell.Claim(new Never()));
            yield return null;
            pool.NotifyParked();
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Injected_work_always_finds_a_worker(int workers)
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var pool = new Pool(workers, tasks: 2);
            for (int i = 0; i < workers; i++) threads.Start($"worker {i}", Worker(pool, i));
            threads.Start("injector", Injector(pool, pool.Total));
            threads.Run(); // reports a schedule in which tasks are left while every worker sleeps

            threads.Assert(pool.Taken == pool.Total, $"{pool.Taken} of {pool.Total} tasks taken");
            threads.Assert(pool.Injection.IsEmpty, "a task is left in the injection queue");
        }));
    }
}
