using AsyncGen.Executors.WorkStealing;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>
/// The lock-free ring under real threads: its owner pushes (overflowing to the injection queue) and pops while other
/// threads steal halves from it and from each other; every task is taken exactly once.
/// </summary>
public class LocalQueueStressTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Every_task_is_taken_exactly_once_while_thieves_steal(int thieves)
    {
        const int TaskCount = 60_000;
        var tasks = LocalQueueTests.NewTasks(TaskCount);
        var indexOf = new Dictionary<ITaskCell, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < TaskCount; i++) indexOf.Add(tasks[i], i);
        var takenTimes = new int[TaskCount];
        int taken = 0;
        var injection = new InjectionQueue();
        var queues = Enumerable.Range(0, thieves + 1).Select(_ => new LocalQueue()).ToArray();
        var failures = new List<Exception>();

        void Take(ITaskCell task)
        {
            Interlocked.Increment(ref takenTimes[indexOf[task]]);
            Interlocked.Increment(ref taken);
        }

        void Guard(Action body)
        {
            try
            {
                body();
            }
            catch (Exception error)
            {
                lock (failures) failures.Add(error);
                Volatile.Write(ref taken, int.MaxValue / 2); // stop the others
            }
        }

        var owner = new Thread(() => Guard(() =>
        {
            var queue = queues[0];
            for (int i = 0; i < TaskCount; i++)
            {
                queue.Push(tasks[i], injection);
                if (i % 3 == 0 && queue.TryPop(out var task)) Take(task); // pops race the thieves' claims
            }
            while (Volatile.Read(ref taken) < TaskCount)
            {
                if (queue.TryPop(out var task) || injection.TryPop(out task)) Take(task);
            }
        }));
        var thiefThreads = Enumerable.Range(1, thieves).Select(index => new Thread(() => Guard(() =>
        {
            var own = queues[index];
            int victim = 0;
            while (Volatile.Read(ref taken) < TaskCount)
            {
                if (own.TryPop(out var task) || injection.TryPop(out task))
                {
                    Take(task);
                    continue;
                }
                victim = (victim + 1) % queues.Length; // the owner's ring and the other thieves' rings
                if (victim != index && queues[victim].StealInto(own, out _) is { } stolen) Take(stolen);
            }
        }))).ToArray();

        owner.Start();
        foreach (var thread in thiefThreads) thread.Start();
        Assert.True(owner.Join(TimeSpan.FromMinutes(1)), "the owner did not finish");
        foreach (var thread in thiefThreads) Assert.True(thread.Join(TimeSpan.FromMinutes(1)), "a thief did not finish");

        Assert.Empty(failures);
        Assert.Equal(TaskCount, taken);
        Assert.All(takenTimes, times => Assert.Equal(1, times));
        Assert.All(queues, queue => Assert.True(queue.IsEmpty));
    }
}
