using System.Collections.Concurrent;
using AsyncGen.Sync;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Channels between spawned tasks, the way the Worker sample and the Sync README suggest: each producer owns a
/// <c>Clone</c> of the sender and disposes it; the consumer's <c>await foreach</c> ends when the last one is gone;
/// a consumer that stops early closes the channel and the producers see <c>Send</c> return false.
/// </summary>
public partial class ChannelProgramTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<int> Produce(ChannelSender<int> sender, int first, int count)
    {
        using (sender)
        {
            int sent = 0;
            for (int i = first; i < first + count; i++)
            {
                if (!await sender.Send(i)) break;
                sent++;
                if (i % 7 == 0) await Future.Yield();
            }
            return sent;
        }
    }

    [PollAsync]
    private static async Future<long> FanIn(int producers, int perProducer, int capacity)
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(capacity);
        var handles = new List<JoinHandle<int>>();
        using (sender)
        {
            for (int p = 0; p < producers; p++)
            {
                handles.Add(Executor.Spawn(Produce(sender.Clone(), p * perProducer, perProducer)));
            }
        }
        long sum = 0;
        await foreach (var item in receiver)
        {
            sum += item;
        }
        foreach (var handle in handles)
        {
            if (await handle != perProducer) return -1;
        }
        return sum;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void Fan_in_from_spawned_producers_ends_when_the_last_sender_is_disposed_on_a_LocalExecutor(int capacity)
    {
        const int producers = 4, perProducer = 250, n = producers * perProducer;
        Assert.Equal((long)n * (n - 1) / 2, Executor.BlockOn(FanIn(producers, perProducer, capacity)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void Fan_in_from_spawned_producers_on_a_work_stealing_executor(int capacity)
    {
        const int producers = 8, perProducer = 500, n = producers * perProducer;
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal((long)n * (n - 1) / 2, executor.BlockOn(FanIn(producers, perProducer, capacity)));
    }

    /// <summary>Takes <paramref name="wanted"/> items, then closes: the producers' sends fail and they return.</summary>
    [PollAsync]
    private static async Future<string> ConsumerStopsEarly(int producers, int wanted)
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(2);
        var handles = new List<JoinHandle<int>>();
        using (sender)
        {
            for (int p = 0; p < producers; p++)
            {
                handles.Add(Executor.Spawn(Produce(sender.Clone(), p * 1_000_000, 1_000_000)));
            }
        }
        int taken = 0;
        await foreach (var item in receiver)
        {
            if (++taken == wanted) break;
        }
        receiver.Close();
        int sentInTotal = 0;
        foreach (var handle in handles) sentInTotal += await handle;
        // Every item a producer counted as sent is either taken or still buffered: none lost, none invented.
        int buffered = 0;
        while (receiver.TryReceive(out _)) buffered++;
        return $"{taken} {sentInTotal == taken + buffered} {sender.IsClosed}";
    }

    [Fact]
    public void A_consumer_that_closes_early_ends_every_producer_on_both_executors()
    {
        Assert.Equal("10 True True", Executor.BlockOn(ConsumerStopsEarly(3, 10)));
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal("10 True True", executor.BlockOn(ConsumerStopsEarly(6, 10)));
    }

    /// <summary>The consumer is a task that is aborted; its finally closes the channel so producers do not hang.</summary>
    [PollAsync]
    private static async Future<int> Consume(ChannelReceiver<int> receiver, ConcurrentQueue<string> log)
    {
        int sum = 0;
        try
        {
            await foreach (var item in receiver) sum += item;
            return sum;
        }
        finally
        {
            receiver.Close();
            log.Enqueue("consumer closed the channel");
        }
    }

    [PollAsync]
    private static async Future<int> AbortTheConsumer(ConcurrentQueue<string> log)
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);
        var consumer = Executor.Spawn(Consume(receiver, log));
        var producer = Executor.Spawn(Produce(sender, 0, int.MaxValue));
        for (int i = 0; i < 10; i++) await Future.Yield();
        consumer.Abort();
        int sent = await producer;
        return sent > 0 ? 1 : 0;
    }

    [Fact]
    public void Aborting_the_consumer_runs_its_finally_and_the_producer_sees_the_channel_closed()
    {
        var log = new ConcurrentQueue<string>();
        Assert.Equal(1, Executor.BlockOn(AbortTheConsumer(log), Limit));
        Assert.Equal(["consumer closed the channel"], log);
    }

    [Fact]
    public async Task A_Task_consumer_reads_with_ReadAllAsync_while_spawned_producers_send()
    {
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        using var executor = new WorkStealingExecutor(2);
        var producers = new List<Task<int>>();
        using (sender)
        {
            for (int p = 0; p < 3; p++) producers.Add(executor.SpawnAsTask(Produce(sender.Clone(), p * 100, 100)));
        }
        long sum = 0;
        await foreach (var item in receiver.ReadAllAsync().WithCancellation(new CancellationTokenSource(Limit).Token))
        {
            sum += item;
        }
        Assert.Equal(299L * 300 / 2, sum);
        Assert.All(await Task.WhenAll(producers), sent => Assert.Equal(100, sent));
    }

    [PollAsync]
    private static async Future<string> OneshotReply(bool reply)
    {
        var (tx, rx) = Oneshot.Create<string>();
        var worker = Executor.Spawn(Reply(tx, reply));
        var answer = await rx;
        await worker;
        return answer.TryGetValue(out var text) ? text : "closed";
    }

    [PollAsync]
    private static async Future<int> Reply(OneshotSender<string> tx, bool reply)
    {
        using (tx)
        {
            await Future.Yield();
            if (reply) tx.Send("pong");
            return 0;
        }
    }

    [Fact]
    public void A_oneshot_reply_from_a_spawned_task_or_closed_when_the_sender_is_dropped()
    {
        Assert.Equal("pong", Executor.BlockOn(OneshotReply(true)));
        Assert.Equal("closed", Executor.BlockOn(OneshotReply(false)));
        using var executor = new WorkStealingExecutor(2);
        Assert.Equal("pong", executor.BlockOn(OneshotReply(true)));
    }
}
