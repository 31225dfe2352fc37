namespace AsyncGen.Runtime.Tests.Core;

/// <summary>
/// Issue 12: awaiting a future from a <c>Task</c> method (AG0109 at compile time) faults that await with an
/// exception the method's own <c>catch</c> sees, instead of throwing from <c>UnsafeOnCompleted</c> (which a Task
/// builder rethrows on the thread pool, ending the process).
/// </summary>
public class AwaitFromTaskCodeTests
{
    private sealed class Counter { public int Started; }

    private static async Future<int> Counted(Counter counter)
    {
        counter.Started++;
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return 42;
    }

    [Fact]
    public async Task Awaiting_a_future_in_a_Task_method_throws_at_the_await_into_the_methods_catch()
    {
        var counter = new Counter();
        string? caught = null;
        try
        {
            await Counted(counter);
        }
        catch (NotSupportedException error)
        {
            caught = error.Message;
        }

        Assert.NotNull(caught);
        Assert.Contains("AsTask()", caught);
        Assert.Contains("Executor.BlockOn", caught);
        Assert.Equal(0, counter.Started); // never polled: nothing of the future ran
    }

    [Fact]
    public async Task Awaiting_a_struct_future_in_a_Task_method_faults_the_returned_task()
    {
        static async Task SleepFromTaskCode() => await Time.Sleep(TimeSpan.FromMilliseconds(1));

        var task = SleepFromTaskCode();
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => task);
        Assert.True(task.IsFaulted);
        Assert.Contains(nameof(AwaitFromTaskCodeTests), error.StackTrace); // thrown where the user awaited
    }

    [Fact]
    public async Task The_same_future_still_runs_through_AsTask_afterwards()
    {
        var counter = new Counter();
        var future = Counted(counter);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await future);
        Assert.Equal(42, await future.AsTask());
        Assert.Equal(1, counter.Started);
    }
}
