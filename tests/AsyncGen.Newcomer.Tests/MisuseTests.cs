using System.Net;
using AsyncGen.Net;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Mistakes a newcomer makes in the first hour, and what the runtime answers: each throws an exception that says
/// what to do instead (the README's "Misuse" row) rather than hanging or failing somewhere else.
/// </summary>
public partial class MisuseTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<int> Answer()
    {
        await Future.Yield();
        return 42;
    }

    [Fact]
    public void Executor_Spawn_outside_a_task_says_to_use_an_executor()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Executor.Spawn(Answer()));
        Assert.Contains("Spawn", error.Message);
    }

    [PollAsync]
    private static async Future<int> BlockOnInsideATask()
    {
        await Future.Yield();
#pragma warning disable AG0107 // the mistake under test
        return Executor.BlockOn(Answer());
#pragma warning restore AG0107
    }

    [Fact]
    public void BlockOn_inside_a_task_throws_instead_of_deadlocking()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Executor.BlockOn(BlockOnInsideATask()));
        Assert.Contains("BlockOn", error.Message);
    }

    [Fact]
    public void Polling_a_finished_future_again_throws()
    {
        var future = Answer();
        Assert.Equal(42, Executor.BlockOn(future));
        Assert.Throws<InvalidOperationException>(() => Executor.BlockOn(future));
    }

    [PollAsync]
    private static async Future<int> AwaitTheSameFutureTwice()
    {
        var stored = Answer();
        var first = await stored;
        return first + await stored;
    }

    [Fact]
    public void Awaiting_a_stored_future_twice_throws_instead_of_returning_the_result_again()
    {
        // async Task code may await a stored Task twice; a future is polled to completion once (lazy, like Rust's).
        var error = Assert.Throws<InvalidOperationException>(() => Executor.BlockOn(AwaitTheSameFutureTwice()));
        Assert.Contains("polled after it completed", error.Message, StringComparison.Ordinal);
        Assert.Contains("keep its result", error.Message, StringComparison.Ordinal); // says what to do instead
    }

    [Fact]
    public async Task A_timer_awaited_from_Task_code_through_AsTask_works_outside_any_executor()
    {
        // Time.Sleep needs an executor's timer wheel; AsTask outside an executor brings one (a thread of its own).
        var slept = Time.Sleep(TimeSpan.FromMilliseconds(1)).AsTask();
        await slept.WaitAsync(Limit);
        Assert.True(slept.IsCompletedSuccessfully);
    }

    [PollAsync]
    private static async Future<string> TwoTasksJoinTheSameHandle()
    {
        var (tx, rx) = AsyncGen.Sync.Oneshot.Create<int>();
        var shared = Executor.Spawn(WaitFor(rx));
        var first = Executor.Spawn(Join(shared));
        var second = Executor.Spawn(Join(shared));
        await Future.Yield();
        tx.Send(7);
        int a = await first;
        int b = await second;
        return $"{a} {b}";
    }

    [PollAsync]
    private static async Future<int> WaitFor(AsyncGen.Sync.OneshotReceiver<int> rx) => (await rx).Value;

    [PollAsync]
    private static async Future<int> Join(JoinHandle<int> handle) => await handle;

    /// <summary>
    /// A Task lets any number of awaiters see its result; a JoinHandle has one joiner. A second task awaiting it at
    /// once used to replace the first one's join waker and leave it waiting forever; now one of them gets the result
    /// and the other an InvalidOperationException that says what to do (as a second pending AcceptAsync does).
    /// </summary>
    [Fact]
    public void Two_tasks_awaiting_one_join_handle_do_not_hang()
    {
        // Task lets any number of awaiters see the result; a JoinHandle may be awaited to completion once. What
        // matters: the second awaiter gets an answer (a result or an exception), it does not wait forever.
        string outcome;
        try
        {
            outcome = Executor.BlockOn(TwoTasksJoinTheSameHandle(), Limit);
        }
        catch (InvalidOperationException error)
        {
            outcome = error.Message;
        }
        Assert.Contains("JoinHandle", outcome);
    }

    [PollAsync]
    private static async Future<string> TwoAcceptLoops(AsyncTcpListener listener)
    {
        var first = Executor.Spawn(AcceptOne(listener));
        await Future.Yield();
        try
        {
            await AcceptOne(listener);
            return "second accept waited";
        }
        catch (InvalidOperationException error)
        {
            first.Abort();
            return error.Message;
        }
    }

    [PollAsync]
    private static async Future<int> AcceptOne(AsyncTcpListener listener)
    {
        using var stream = await listener.AcceptAsync();
        return 1;
    }

    [Fact]
    public void A_second_pending_accept_on_one_listener_throws_saying_to_run_one_accept_loop()
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var message = Executor.BlockOn(TwoAcceptLoops(listener), Limit);
        Assert.Contains("accept", message, StringComparison.OrdinalIgnoreCase);
    }
}
