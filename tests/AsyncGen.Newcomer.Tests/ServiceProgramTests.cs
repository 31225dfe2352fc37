using AsyncGen.Sync;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Small services a user writes on day one: a three-stage channel pipeline, a rate limiter on a semaphore, retry with
/// a per-attempt timeout and backoff, the fastest of two mirrors.
/// </summary>
public partial class ServiceProgramTests
{
    [PollAsync]
    private static async Future Produce(ChannelSender<string> lines, int count)
    {
        using (lines)
        {
            for (int i = 1; i <= count; i++)
            {
                if (!await lines.Send($"item-{i}")) return;
            }
        }
    }

    [PollAsync]
    private static async Future Parse(ChannelReceiver<string> lines, ChannelSender<int> numbers)
    {
        using (numbers)
        {
            await foreach (var line in lines)
            {
                if (int.TryParse(line.AsSpan(line.IndexOf('-') + 1), out var n) && n % 3 != 0)
                    await numbers.Send(n);
            }
        }
    }

    [PollAsync]
    private static async Future<(int Count, long Sum)> Aggregate(ChannelReceiver<int> numbers)
    {
        int count = 0;
        long sum = 0;
        while (true)
        {
            var received = await numbers.Receive();
            if (!received.TryGetValue(out var n)) break;
            count++;
            sum += n;
        }
        return (count, sum);
    }

    [PollAsync]
    private static async Future<(int Count, long Sum)> Pipeline(int count)
    {
        var (lineTx, lineRx) = AsyncChannel.Bounded<string>(4);
        var (numberTx, numberRx) = AsyncChannel.Bounded<int>(2);
        var producer = Executor.Spawn(Produce(lineTx, count));
        var parser = Executor.Spawn(Parse(lineRx, numberTx));
        var result = await Aggregate(numberRx);
        await producer;
        await parser;
        return result;
    }

    /// <summary>A worker pool sharing one receiver: channels are single-consumer, and the error says what to do.</summary>
    [PollAsync]
    private static async Future<(int Count, long Sum)> PipelineWithSharedReceiver(int count)
    {
        var (lineTx, lineRx) = AsyncChannel.Bounded<string>(4);
        var (numberTx, numberRx) = AsyncChannel.Bounded<int>(2);
        var producer = Executor.Spawn(Produce(lineTx, count));
        var parsers = new List<JoinHandle<Unit>>();
        for (int i = 0; i < 3; i++) parsers.Add(Executor.Spawn(Parse(lineRx, numberTx.Clone())));
        numberTx.Dispose(); // the clones keep the channel open until the last parser ends
        var result = await Aggregate(numberRx);
        await producer;
        foreach (var parser in parsers) await parser;
        return result;
    }

    [Fact]
    public void Two_workers_receiving_from_one_channel_are_told_to_hand_items_on_or_share_through_a_mutex()
    {
        using var local = new LocalExecutor();
        var error = Assert.Throws<InvalidOperationException>(() => local.BlockOn(PipelineWithSharedReceiver(100)));
        Assert.Contains("single consumer", error.Message);
        Assert.Contains("AsyncMutex<ChannelReceiver<T>>", error.Message);
    }

    [Fact]
    public void A_three_stage_pipeline_ends_when_the_producer_ends_on_both_executors()
    {
        var expected = (Count: 67, Sum: Enumerable.Range(1, 100).Where(n => n % 3 != 0).Sum());
        using (var local = new LocalExecutor()) Assert.Equal(expected, local.BlockOn(Pipeline(100)));
        using (var pool = new WorkStealingExecutor(2)) Assert.Equal(expected, pool.BlockOn(Pipeline(100)));
    }

    internal sealed class Gauge
    {
        private int _current;
        public int Max;

        public void Enter()
        {
            var now = Interlocked.Increment(ref _current);
            int seen;
            while (now > (seen = Volatile.Read(ref Max)) && Interlocked.CompareExchange(ref Max, now, seen) != seen) { }
        }

        public void Leave() => Interlocked.Decrement(ref _current);
    }

    [PollAsync]
    private static async Future<int> Limited(AsyncSemaphore limiter, Gauge gauge, int id)
    {
        using var permit = await limiter.Acquire();
        gauge.Enter();
        try
        {
            await Time.Sleep(TimeSpan.FromMilliseconds(2));
            return id * 2;
        }
        finally
        {
            gauge.Leave();
        }
    }

    [PollAsync]
    private static async Future<int> RunLimited(int tasks, int permits, Gauge gauge)
    {
        var limiter = new AsyncSemaphore(permits);
        var handles = new List<JoinHandle<int>>();
        for (int i = 0; i < tasks; i++) handles.Add(Executor.Spawn(Limited(limiter, gauge, i)));
        int total = 0;
        foreach (var handle in handles) total += await handle;
        return total;
    }

    [Fact]
    public void A_semaphore_rate_limiter_never_lets_more_than_its_permits_run()
    {
        var gauge = new Gauge();
        using (var pool = new WorkStealingExecutor(2)) Assert.Equal(2 * (19 * 20 / 2), pool.BlockOn(RunLimited(20, 3, gauge)));
        Assert.InRange(gauge.Max, 1, 3);
        var localGauge = new Gauge();
        using (var local = new LocalExecutor()) Assert.Equal(2 * (9 * 10 / 2), local.BlockOn(RunLimited(10, 3, localGauge)));
        Assert.Equal(3, localGauge.Max); // one thread: all three permits are taken before the first sleep ends
    }

    internal sealed partial class FlakyServer(int hangs)
    {
        public int Calls;
        public int Cleanups;

        [PollAsync]
        public async Future<string> Get(string path)
        {
            var call = ++Calls;
            try
            {
                if (call <= hangs) await Time.Sleep(Timeout.InfiniteTimeSpan);
                await Future.Yield();
                return $"{path} on call {call}";
            }
            finally
            {
                Cleanups++;
            }
        }
    }

    [PollAsync]
    private static async Future<string> GetWithRetry(FlakyServer server, string path, int attempts, List<string> log)
    {
        var backoff = TimeSpan.FromMilliseconds(1);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await Time.Timeout(server.Get(path), TimeSpan.FromMilliseconds(5));
            }
            catch (TimeoutException) when (attempt < attempts)
            {
                log.Add($"attempt {attempt} timed out");
                await Time.Sleep(backoff);
                backoff *= 2;
            }
        }
    }

    [Fact]
    public void Retry_with_a_timeout_per_attempt_cancels_each_hung_attempt()
    {
        var server = new FlakyServer(hangs: 2);
        var log = new List<string>();
        Assert.Equal("/a on call 3", Executor.BlockOn(GetWithRetry(server, "/a", 5, log)));
        Assert.Equal(["attempt 1 timed out", "attempt 2 timed out"], log);
        Assert.Equal(3, server.Cleanups); // both timed-out attempts ran their finally when Timeout dropped them
    }

    [Fact]
    public void Retry_gives_up_with_the_last_TimeoutException()
    {
        var server = new FlakyServer(hangs: 10);
        var log = new List<string>();
        Assert.Throws<TimeoutException>(() => Executor.BlockOn(GetWithRetry(server, "/a", 3, log)));
        Assert.Equal(3, server.Calls);
        Assert.Equal(3, server.Cleanups);
    }

    [PollAsync]
    private static async Future<string> Mirror(string name, int delayMs, List<string> log)
    {
        try
        {
            await Time.Sleep(TimeSpan.FromMilliseconds(delayMs));
            return name;
        }
        finally
        {
            log.Add($"{name} done");
        }
    }

    [PollAsync]
    private static async Future<string> Fastest(List<string> log)
    {
        var winner = await Future.Select(Mirror("slow", 10_000, log), Mirror("fast", 1, log));
        return winner.IsFirst ? winner.First : winner.Second;
    }

    [Fact]
    public void Select_of_two_mirrors_returns_the_fast_one_and_drops_the_slow_one()
    {
        var log = new List<string>();
        Assert.Equal("fast", Executor.BlockOn(Fastest(log)));
        Assert.Equal(["fast done", "slow done"], log);
    }
}
