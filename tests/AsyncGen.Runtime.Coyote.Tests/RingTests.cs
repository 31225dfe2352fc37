using AsyncGen.Executors.WorkStealing;
using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The work-stealing executor's lock-free ring (<see cref="LocalQueue"/>): its owner pushes, pops and overflows while
/// thieves steal, with each steal split into its real steps (check room, claim, copy, release the claim, publish) so
/// that the owner and other thieves act while a claim is held. Whatever the interleaving, every task is taken exactly
/// once: none lost, none run twice.
/// </summary>
/// <remarks>
/// What is not explored: the owner's overflow runs as one step (its claim-everything CAS and the tail store that gives
/// the older half back are not separated), and retries inside a CAS loop are not interleaved (see the README).
/// </remarks>
public class RingTests
{
    private sealed class Never : IFuture<int>
    {
        public Poll<int> Poll(ref Context cx) => Poll<int>.Pending;
    }

    /// <summary>Counts how often each task was taken (popped, stolen to run, or taken from the injection queue).</summary>
    private sealed class Ledger
    {
        private readonly Dictionary<ITaskCell, int> _taken = new(ReferenceEqualityComparer.Instance);

        public ITaskCell[] NewTasks(int count)
        {
            var tasks = new ITaskCell[count];
            for (int i = 0; i < count; i++)
            {
                tasks[i] = TaskCell.Claim(new Never());
                _taken.Add(tasks[i], 0);
            }
            return tasks;
        }

        public void Take(ITaskCell task) => _taken[task]++;

        public void Drain(LocalQueue queue)
        {
            while (queue.TryPop(out var task)) Take(task);
        }

        public void Drain(InjectionQueue queue)
        {
            while (queue.TryPop(out var task)) Take(task);
        }

        public void AssertExactlyOnce(Interleavings threads)
        {
            foreach (var (task, times) in _taken)
                threads.Assert(times == 1, $"task {task.Id} was taken {times} times");
        }
    }

    /// <summary>A thief's whole steal, one step per real operation (the order of <see cref="LocalQueue.StealInto"/>).</summary>
    private static IEnumerable<Func<bool>?> Steal(LocalQueue victim, LocalQueue own, Ledger ledger)
    {
        yield return null;
        if (!own.HasRoomForSteal(out uint tail)) yield break;
        yield return null;
        long claim = victim.ClaimHalf(out int count);
        if (count == 0) yield break;
        yield return null;
        victim.MoveClaimed(claim, count, own, tail);
        yield return null;
        victim.ReleaseClaim(claim);
        yield return null;
        ledger.Take(own.PublishStolen(tail, count));
    }

    private static IEnumerable<Func<bool>?> Thief(LocalQueue victim, LocalQueue own, Ledger ledger, int steals, Interleavings threads)
    {
        for (int i = 0; i < steals; i++)
        {
            foreach (var step in Steal(victim, own, ledger)) yield return step;
            if (threads.Choose())
            {
                yield return null;
                if (own.TryPop(out var task)) ledger.Take(task); // run one of the stolen tasks, leave the rest stealable
            }
        }
    }

    [Fact]
    public void Every_task_is_taken_once_while_the_owner_pushes_and_pops_and_two_thieves_steal()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var ledger = new Ledger();
            var injection = new InjectionQueue();
            var owner = new LocalQueue();
            var first = new LocalQueue();
            var second = new LocalQueue();
            var initial = ledger.NewTasks(6);
            var later = ledger.NewTasks(4);
            foreach (var task in initial) owner.Push(task, injection);

            threads.Start("owner", Owner());
            threads.Start("thief 1", Thief(owner, first, ledger, steals: 2, threads));
            threads.Start("thief 2", Thief(threads.Choose() ? owner : first, second, ledger, steals: 2, threads)); // from the owner, or from the other thief
            threads.Run();

            ledger.Drain(owner);
            ledger.Drain(first);
            ledger.Drain(second);
            ledger.Drain(injection);
            ledger.AssertExactlyOnce(threads);

            IEnumerable<Func<bool>?> Owner()
            {
                foreach (var task in later)
                {
                    yield return null;
                    owner.Push(task, injection);
                    yield return null;
                    if (owner.TryPop(out var popped)) ledger.Take(popped);
                }
            }
        }));
    }

    [Fact]
    public void Every_task_is_taken_once_when_the_owner_overflows_while_a_thief_steals()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var ledger = new Ledger();
            var injection = new InjectionQueue();
            var owner = new LocalQueue();
            var thief = new LocalQueue();
            var initial = ledger.NewTasks(LocalQueue.Capacity - 1); // one push from full
            var later = ledger.NewTasks(3);
            foreach (var task in initial) owner.Push(task, injection);

            threads.Start("owner", Owner());
            threads.Start("thief", Thief(owner, thief, ledger, steals: 2, threads));
            threads.Run();

            ledger.Drain(owner);
            ledger.Drain(thief);
            ledger.Drain(injection);
            ledger.AssertExactlyOnce(threads);

            IEnumerable<Func<bool>?> Owner()
            {
                foreach (var task in later)
                {
                    yield return null;
                    owner.Push(task, injection); // the second one finds the ring full: overflow, or only itself while a claim is held
                    if (threads.Choose())
                    {
                        yield return null;
                        if (owner.TryPop(out var popped)) ledger.Take(popped);
                    }
                }
            }
        }));
    }
}
