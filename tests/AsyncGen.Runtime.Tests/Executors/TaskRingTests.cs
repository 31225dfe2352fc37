using AsyncGen.Executors;
using AsyncGen.Tasks;

namespace AsyncGen.Runtime.Tests.Executors;

/// <summary>LocalExecutor's ready ring: first in, first out across wraparound and growth, and no allocation once grown.</summary>
public class TaskRingTests
{
    [Fact]
    public void Tasks_come_out_in_order_across_wraparound_and_growth()
    {
        var ring = new TaskRing(4);
        var tasks = LocalQueueTests.NewTasks(40);
        var expected = new Queue<ITaskCell>();
        int next = 0;
        // Three in, two out, so the head walks round the ring while it grows from 4 to 64 slots.
        while (next < tasks.Length)
        {
            for (int i = 0; i < 3 && next < tasks.Length; i++)
            {
                ring.Enqueue(tasks[next]);
                expected.Enqueue(tasks[next++]);
            }
            for (int i = 0; i < 2; i++)
            {
                Assert.True(ring.TryDequeue(out var task));
                Assert.Same(expected.Dequeue(), task);
            }
        }
        Assert.Equal(expected.Count, ring.Count);
        while (ring.TryDequeue(out var task)) Assert.Same(expected.Dequeue(), task);
        Assert.Empty(expected);
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void A_ring_that_has_grown_enqueues_and_dequeues_without_allocating()
    {
        var ring = new TaskRing(2);
        var tasks = LocalQueueTests.NewTasks(64);
        foreach (var task in tasks) ring.Enqueue(task);
        while (ring.TryDequeue(out _)) { }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 3; round++)
        {
            foreach (var task in tasks) ring.Enqueue(task);
            while (ring.TryDequeue(out _)) { }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
