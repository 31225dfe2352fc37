namespace AsyncGen.Generator.Tests.Behaviour;

/// <summary>
/// A spawned generated machine costs one object: the box its intercepted call returned is the task cell and the
/// join handle (issue 14: one allocation per task, at most 96 bytes for a trivial task).
/// </summary>
public partial class SpawnAllocationTests
{
    [PollAsync]
    internal static async Future<int> Trivial(int i)
    {
        await Future.Yield();
        return i;
    }

    [PollAsync]
    internal static async Future TrivialUnit()
    {
        await Future.Yield();
    }

    [Fact]
    public void Spawn_of_a_generated_machine_allocates_exactly_its_box()
    {
        using var executor = new LocalExecutor();
        executor.Spawn(Trivial(0));
        executor.Run(); // warm up: JIT, queue segment, table slot

        long before = GC.GetAllocatedBytesForCurrentThread();
        var future = Trivial(1);
        long boxBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        var handle = executor.Spawn(future);
        executor.Run();
        long spawnAndRunBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, spawnAndRunBytes);
        Assert.Same(future, handle.AsFuture());
        var cx = new Context(Waker.Noop);
        Assert.Equal(1, handle.Poll(ref cx).Value);
        // 72 bytes on 64-bit (issue 14: at most 96 per task, the handle's slot in an array included): object header
        // and method table 16, Future<int>'s outcome (error 8, value 4), the machine 12 (state, i, the yield awaiter)
        // right after it, TaskCore 32 (waker table, join waker, slot, state; the id is in the waker table), no
        // padding. With TaskCore declared first it was 80 (4 bytes of alignment before it, 4 at the end). See
        // src/Runtime/Tasks/README.md.
        Assert.Equal(72, boxBytes);
    }

    [Fact]
    public void Spawn_of_a_generated_machine_without_result_allocates_exactly_its_box()
    {
        using var executor = new LocalExecutor();
        executor.Spawn(TrivialUnit());
        executor.Run();

        var future = TrivialUnit();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var handle = executor.Spawn(future);
        executor.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(handle.IsCompleted);
        Assert.Same(future, handle.AsFuture());
    }

    [Fact]
    public void A_spawned_box_is_its_join_handle_and_cannot_be_spawned_twice()
    {
        using var executor = new LocalExecutor();
        var future = Trivial(7);
        executor.Spawn(future);
        var error = Assert.Throws<InvalidOperationException>(() => executor.Spawn(future));
        Assert.Contains("already spawned", error.Message, StringComparison.Ordinal);
        executor.Run();
        var cx = new Context(Waker.Noop);
        Assert.Equal(7, future.Poll(ref cx).Value); // polling the box now polls the join handle
    }

    [Fact]
    public void Spawn_and_join_on_the_work_stealing_executor_allocate_one_box_per_task()
    {
        using var executor = new WorkStealingExecutor(workerCount: 2);
        Assert.Equal(45, executor.BlockOn(SpawnAndJoin(10)));
    }

    [PollAsync]
    private static async Future<int> SpawnAndJoin(int count)
    {
        var handles = new JoinHandle<int>[count];
        for (int i = 0; i < count; i++) handles[i] = Executor.Spawn(Trivial(i));
        int sum = 0;
        foreach (var handle in handles) sum += await handle;
        return sum;
    }
}
