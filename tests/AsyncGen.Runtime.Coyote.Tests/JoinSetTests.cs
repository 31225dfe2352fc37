using AsyncGen.Runtime.Coyote.Tests.Harness;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// <see cref="JoinSet{T}"/> over real task cells: completions (on the executor thread), wakes, aborts and the set's
/// dispose racing a joiner that waits in <see cref="JoinSet{T}.JoinNext"/>: no lost wake-up, each task given once,
/// a future disposed exactly when its task is given as cancelled.
/// </summary>
public class JoinSetTests
{
    /// <summary>Pending until another thread makes its resource ready (then wakes it), with the poll as a window.</summary>
    private sealed class ResourceFuture(Interleavings threads, int value) : IFuture<int>
    {
        public bool ResourceReady;
        public int Disposals;

        public Poll<int> Poll(ref Context cx)
        {
            bool ready = ResourceReady;
            threads.InterleaveHere();
            return ready ? Poll<int>.Ready(value) : Poll<int>.Pending;
        }

        public void Dispose() => Disposals++;
    }

    private sealed class Wakes : IWakeTarget
    {
        public int Count;
        public Waker Waker => new(this, 0, 0);
        public void Wake(int slot, int generation) => Count++;
    }

    private static IEnumerable<Func<bool>?> Executor(QueueScheduler executor, ITaskCell[] tasks)
    {
        while (!tasks.All(task => task.IsComplete))
        {
            yield return () => executor.Ready.Count > 0;
            executor.RunOne();
        }
        while (executor.RunOne()) { }
    }

    private static IEnumerable<Func<bool>?> Waker(ResourceFuture[] futures, ITaskCell[] tasks)
    {
        for (int i = 0; i < futures.Length; i++)
        {
            yield return null;
            futures[i].ResourceReady = true;
            tasks[i].Wake();
        }
    }

    /// <summary>JoinNext until null (or the set's dispose); each given task's outcome: its value or -1 if cancelled.</summary>
    private static IEnumerable<Func<bool>?> Joiner(JoinSet<int> set, Wakes wakes, List<int> outcomes, Action disposed)
    {
        var next = set.JoinNext();
        while (true)
        {
            yield return null;
            int seen = wakes.Count;
            var cx = new Context(wakes.Waker);
            Poll<JoinHandle<int>?> poll;
            try
            {
                poll = next.Poll(ref cx);
            }
            catch (ObjectDisposedException)
            {
                disposed();
                yield break;
            }
            if (poll.IsPending)
            {
                yield return () => wakes.Count > seen; // a completion that missed the stored waker leaves this stuck
                continue;
            }
            if (poll.Value is not { } finished) yield break;
            var join = new Context(AsyncGen.Waker.Noop);
            try
            {
                outcomes.Add(finished.Poll(ref join).Value);
            }
            catch (OperationCanceledException)
            {
                outcomes.Add(-1);
            }
            next = set.JoinNext();
        }
    }

    private static (QueueScheduler, ResourceFuture[], ITaskCell[]) SpawnTwo(Interleavings threads, JoinSet<int> set)
    {
        var executor = new QueueScheduler();
        var futures = new[] { new ResourceFuture(threads, 10), new ResourceFuture(threads, 20) };
        var tasks = new ITaskCell[futures.Length];
        for (int i = 0; i < futures.Length; i++)
        {
            var task = executor.Spawn(futures[i]);
            task.Wake(); // spawned: the first poll is queued
            set.Add(new JoinHandle<int>(task));
            tasks[i] = task;
        }
        return (executor, futures, tasks);
    }

    [Fact]
    public void Completions_and_aborts_racing_JoinNext_give_each_task_once_and_wake_the_joiner()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var set = new JoinSet<int>();
            var (executor, futures, tasks) = SpawnTwo(threads, set);
            var wakes = new Wakes();
            var outcomes = new List<int>();
            threads.Start("executor", Executor(executor, tasks));
            threads.Start("waker", Waker(futures, tasks));
            threads.Start("aborter", Aborter(set));
            threads.Start("joiner", Joiner(set, wakes, outcomes, () => threads.Assert(false, "not disposed")));
            threads.Run();

            threads.Assert(executor.Violation is null, executor.Violation ?? "");
            threads.Assert(outcomes.Count == 2, $"{outcomes.Count} task(s) given");
            threads.Assert(outcomes.Contains(10) || outcomes.Contains(-1), "task 10 missing");
            threads.Assert(outcomes.Contains(20) || outcomes.Contains(-1), "task 20 missing");
            int cancelled = outcomes.Count(o => o == -1);
            threads.Assert(futures.Sum(f => f.Disposals) == cancelled,
                $"{futures.Sum(f => f.Disposals)} disposal(s) for {cancelled} cancelled task(s)");
            threads.Assert(set.Count == 0, "the set is not empty");
        }));
    }

    private static IEnumerable<Func<bool>?> Aborter(JoinSet<int> set)
    {
        yield return null;
        set.AbortAll();
    }

    private static IEnumerable<Func<bool>?> Disposer(JoinSet<int> set)
    {
        yield return null;
        set.Dispose();
    }

    [Fact]
    public void Disposing_the_set_while_tasks_complete_and_a_joiner_waits_ends_every_task_and_wakes_the_joiner()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var set = new JoinSet<int>();
            var (executor, futures, tasks) = SpawnTwo(threads, set);
            var wakes = new Wakes();
            var outcomes = new List<int>();
            bool sawDispose = false;
            threads.Start("executor", Executor(executor, tasks));
            threads.Start("waker", Waker(futures, tasks));
            threads.Start("disposer", Disposer(set));
            threads.Start("joiner", Joiner(set, wakes, outcomes, () => sawDispose = true));
            threads.Run();

            threads.Assert(executor.Violation is null, executor.Violation ?? "");
            threads.Assert(tasks.All(task => task.IsComplete), "a task never ended");
            threads.Assert(sawDispose || outcomes.Count == 2, $"the joiner stopped after {outcomes.Count} task(s) without seeing the dispose");
            threads.Assert(futures.All(f => f.Disposals <= 1), "a future was disposed twice");
        }));
    }
}
