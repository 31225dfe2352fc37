using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Tasks;

/// <summary>
/// A JoinHandle has one joiner. It may move once from one task to another while pending (the replaced joiner is
/// woken, spuriously if it moved on), but two tasks awaiting it at once, or awaiting it again after it gave its result,
/// get an exception that says what to do instead of waiting forever. (A second hand-over while pending throws too: with
/// one state bit and no room in the task cell for the replaced joiner's identity, it looks like two tasks taking turns.)
/// </summary>
public class JoinHandleSharingTests
{
    private static async Future<int> Receive(OneshotReceiver<int> receiver) => (await receiver).Value;

    private static async Future<int> Join(JoinHandle<int> handle) => await handle;

    private static Poll<int> PollWith(JoinHandle<int> handle, CountingWakeTarget joiner)
    {
        var cx = new Context(joiner.Waker);
        return handle.Poll(ref cx);
    }

    [Fact]
    public void A_handle_that_moves_to_another_joiner_wakes_the_first_once_and_completes_the_second()
    {
        using var executor = new LocalExecutor();
        var (sender, receiver) = Oneshot.Create<int>();
        var handle = executor.Spawn(Receive(receiver));
        CountingWakeTarget first = new(), second = new();

        Assert.False(PollWith(handle, first).IsReady);
        Assert.False(PollWith(handle, second).IsReady);
        Assert.False(PollWith(handle, second).IsReady); // the same joiner again: nothing changes
        Assert.Equal(1, first.Wakes);
        Assert.Equal(0, second.Wakes);

        sender.Send(7);
        executor.BlockOn(Future.Yield()); // runs the task to completion
        Assert.Equal(1, second.Wakes);
        Assert.Equal(1, first.Wakes);
        Assert.Equal(7, PollWith(handle, second).Value);
    }

    [Fact]
    public void Two_joiners_taking_turns_make_the_replaced_one_throw_and_the_other_gets_the_result()
    {
        using var executor = new LocalExecutor();
        var (sender, receiver) = Oneshot.Create<int>();
        var handle = executor.Spawn(Receive(receiver));
        CountingWakeTarget first = new(), second = new();

        Assert.False(PollWith(handle, first).IsReady);
        Assert.False(PollWith(handle, second).IsReady);
        // The first joiner, woken by the replacement, polls again: it would otherwise wait forever.
        var error = Assert.Throws<InvalidOperationException>(() => PollWith(handle, first));
        Assert.Contains("awaited by two tasks at once", error.Message);
        Assert.Contains("SpawnAsTask", error.Message);

        sender.Send(3);
        executor.BlockOn(Future.Yield());
        Assert.Equal(1, second.Wakes);
        Assert.Equal(3, PollWith(handle, second).Value);
    }

    [Fact]
    public void Awaiting_a_handle_again_after_its_result_says_the_result_is_given_once()
    {
        using var executor = new LocalExecutor();
        var (sender, receiver) = Oneshot.Create<int>();
        var handle = executor.Spawn(Receive(receiver));
        sender.Send(5);
        Assert.Equal(5, executor.BlockOn(handle));
        var error = Assert.Throws<InvalidOperationException>(() => PollWith(handle, new CountingWakeTarget()));
        Assert.Contains("gives its result once", error.Message);
    }

    [Fact]
    public void Two_tasks_awaiting_one_handle_end_with_the_result_and_an_exception_not_a_hang()
    {
        using var executor = new LocalExecutor();
        var (sender, receiver) = Oneshot.Create<int>();
        var shared = executor.Spawn(Receive(receiver));
        var first = executor.Spawn(Join(shared));
        var second = executor.Spawn(Join(shared));
        executor.BlockOn(Future.Yield()); // both joiners poll the handle
        sender.Send(9);
        var outcomes = new[] { Outcome(executor, first), Outcome(executor, second) };
        Array.Sort(outcomes, StringComparer.Ordinal);
        Assert.Equal("9", outcomes[0]);
        Assert.StartsWith("InvalidOperationException", outcomes[1]);
    }

    private static string Outcome(LocalExecutor executor, JoinHandle<int> handle)
    {
        try
        {
            return executor.BlockOn(handle, TimeSpan.FromSeconds(30)).ToString();
        }
        catch (InvalidOperationException error)
        {
            return $"{nameof(InvalidOperationException)}: {error.Message}";
        }
    }
}
