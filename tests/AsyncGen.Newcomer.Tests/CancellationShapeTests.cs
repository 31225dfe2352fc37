using System.Runtime.CompilerServices;
using AsyncGen.Sync;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Cancellation the way .NET code does it, inside [PollAsync] methods: a token passed down to Task APIs and checked in
/// loops, linked sources, CancelAfter, <c>await foreach</c> with <c>WithCancellation</c>, a token that is already
/// cancelled, each compared with what <c>async Task</c> does.
/// </summary>
public partial class CancellationShapeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<string> DownloadAll(int count, List<string> log, CancellationToken token)
    {
        int done = 0;
        try
        {
            for (int i = 0; i < count; i++)
            {
                token.ThrowIfCancellationRequested();
                await Task.Delay(1, token);
                done++;
                if (done == 3) log.Add("three done");
            }
            return $"all {done}";
        }
        catch (OperationCanceledException e) when (e.CancellationToken == token)
        {
            log.Add($"cancelled after {done}");
            return $"partial {done}";
        }
    }

    [Fact]
    public void A_token_passed_to_Task_Delay_cancels_and_the_method_catches_it()
    {
        using var cts = new CancellationTokenSource();
        var log = new List<string>();
        using var executor = new WorkStealingExecutor(2);
        var result = executor.BlockOn(Watch(cts, log), Limit);
        Assert.StartsWith("partial ", result);
        Assert.Equal("three done", log[0]);
        Assert.StartsWith("cancelled after ", log[1]);
    }

    [PollAsync]
    private static async Future<string> Watch(CancellationTokenSource cts, List<string> log)
    {
        var download = Executor.Spawn(DownloadAll(1_000_000, log, cts.Token));
        while (log.Count == 0) await Time.Sleep(TimeSpan.FromMilliseconds(1));
        await cts.CancelAsync();
        return await download;
    }

    [Fact]
    public async Task An_already_cancelled_token_gives_OperationCanceledException_like_async_Task()
    {
        var token = new CancellationToken(canceled: true);
        var log = new List<string>();
        Assert.Equal("partial 0", Executor.BlockOn(DownloadAll(5, log, token)));
        Assert.Equal(["cancelled after 0"], log);

        var started = false;
        var future = Started(() => started = true).WithCancellation(token);
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => future.AsTask());
        Assert.Equal(token, error.CancellationToken);
        Assert.False(started); // like Task.Run(..., cancelledToken): the work never starts
    }

    [PollAsync]
    private static async Future<int> Started(Action started)
    {
        started();
        await Future.Yield();
        return 1;
    }

    [PollAsync]
    private static async Future<string> WithLinkedDeadline(CancellationToken outer)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(outer);
        linked.CancelAfter(TimeSpan.FromMilliseconds(5));
        try
        {
            await Task.Delay(Timeout.Infinite, linked.Token);
            return "never";
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            return "deadline";
        }
    }

    [Fact]
    public void A_linked_source_with_CancelAfter_is_the_deadline_and_the_outer_token_stays_clean()
    {
        using var outer = new CancellationTokenSource();
        Assert.Equal("deadline", Executor.BlockOn(WithLinkedDeadline(outer.Token), Limit));
    }

    [PollAsync]
    private static async Future<string> SelectOnToken(CancellationToken token)
    {
        var outcome = await Future.Select(token.AsFuture(), Time.Sleep(Timeout.InfiniteTimeSpan));
        return outcome.IsFirst ? "token fired" : "slept";
    }

    [Fact]
    public void A_token_as_a_future_races_a_sleep()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(5));
        Assert.Equal("token fired", Executor.BlockOn(SelectOnToken(cts.Token), Limit));
    }

    private static async IAsyncEnumerable<int> Numbers(int count, [EnumeratorCancellation] CancellationToken token = default)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.Delay(1, token);
            yield return i;
        }
    }

    [PollAsync]
    private static async Future<string> SumUntilCancelled(IAsyncEnumerable<int> numbers, CancellationTokenSource cts)
    {
        int sum = 0, seen = 0;
        try
        {
            await foreach (var n in numbers.WithCancellation(cts.Token))
            {
                sum += n;
                if (++seen == 5) await cts.CancelAsync();
            }
            return $"finished {sum}";
        }
        catch (OperationCanceledException)
        {
            return $"cancelled at {seen} with {sum}";
        }
    }

    private static async Task<string> SumUntilCancelledTask(IAsyncEnumerable<int> numbers, CancellationTokenSource cts)
    {
        int sum = 0, seen = 0;
        try
        {
            await foreach (var n in numbers.WithCancellation(cts.Token))
            {
                sum += n;
                if (++seen == 5) await cts.CancelAsync();
            }
            return $"finished {sum}";
        }
        catch (OperationCanceledException)
        {
            return $"cancelled at {seen} with {sum}";
        }
    }

    [Fact]
    public async Task Await_foreach_over_a_BCL_async_iterator_WithCancellation_matches_async_Task()
    {
        using var a = new CancellationTokenSource();
        using var b = new CancellationTokenSource();
        Assert.Equal(await SumUntilCancelledTask(Numbers(100), a), Executor.BlockOn(SumUntilCancelled(Numbers(100), b), Limit));
    }

    [PollAsync]
    private static async Future<int> ConsumeChannelWithToken(ChannelReceiver<int> receiver, CancellationToken token, List<int> seen)
    {
        try
        {
            await foreach (var item in receiver.ReadAllAsync(token))
            {
                seen.Add(item);
            }
            return 0;
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    [PollAsync]
    private static async Future<int> ConsumeChannelWithCancellation(ChannelReceiver<int> receiver, CancellationToken token, List<int> seen)
    {
        try
        {
            await foreach (var item in receiver.WithCancellation(token))
            {
                seen.Add(item);
            }
            return 0;
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    [PollAsync]
    private static async Future<(int, int)> CancelChannelConsumer(List<int> seen, bool withCancellation)
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        using var cts = new CancellationTokenSource();
        var consumer = withCancellation
            ? Executor.Spawn(ConsumeChannelWithCancellation(receiver, cts.Token, seen))
            : Executor.Spawn(ConsumeChannelWithToken(receiver, cts.Token, seen));
        for (int i = 0; i < 3; i++) await sender.Send(i);
        while (seen.Count < 3) await Future.Yield();
        await cts.CancelAsync();
        var outcome = await consumer;
        var stillOpen = await sender.Send(99) ? 1 : 0;
        sender.Dispose();
        return (outcome, stillOpen);
    }

    [Theory]
    [InlineData(true)]  // receiver.WithCancellation(token), as on an IAsyncEnumerable
    [InlineData(false)] // receiver.ReadAllAsync(token)
    public void Await_foreach_over_a_channel_receiver_WithCancellation_ends_with_OperationCanceledException(bool withCancellation)
    {
        var seen = new List<int>();
        using var executor = new LocalExecutor();
        var (outcome, _) = executor.BlockOn(CancelChannelConsumer(seen, withCancellation), Limit);
        Assert.Equal(-1, outcome);
        Assert.Equal([0, 1, 2], seen);
    }
}
