using System.Net;
using System.Net.Sockets;
using System.Text;
using AsyncGen.Net;
using AsyncGen.Sync;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// Small applications written from the README and samples/ only: a TCP chat server, a line protocol read with
/// <see cref="StreamReader"/> over <c>AsStream()</c>, a cancellable channel pipeline, a <see cref="JoinSet{T}"/>
/// fan-out, a lookup with a timeout. Where plain C# async can do the same deterministically, its answer is the
/// expected one.
/// </summary>
public partial class NewcomerAppTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static readonly IPEndPoint AnyLoopback = new(IPAddress.Loopback, 0);

    // ---- A TCP chat server: every line a client sends reaches every other client. ----

    [PollAsync]
    private static async Future<int> ChatServer(AsyncTcpListener listener, int clients)
    {
        var streams = new List<AsyncTcpStream>();
        while (streams.Count < clients) streams.Add(await listener.AcceptAsync());

        var (sender, inbox) = AsyncChannel.Bounded<(int From, string Line)>(16);
        var readers = new List<JoinHandle<int>>();
        for (var id = 0; id < streams.Count; id++) readers.Add(Executor.Spawn(ReadLines(id, streams[id], sender.Clone())));
        sender.Dispose(); // the readers hold the clones: the inbox closes when the last reader ends

        var relayed = 0;
        using (inbox)
        {
            await foreach (var (from, line) in inbox)
            {
                var bytes = Encoding.UTF8.GetBytes($"{from}: {line}\n");
                for (var to = 0; to < streams.Count; to++)
                {
                    if (to == from) continue;
                    await streams[to].WriteAllAsync(bytes);
                    relayed++;
                }
            }
        }
        foreach (var reader in readers) await reader;
        foreach (var stream in streams) stream.Dispose();
        return relayed;
    }

    [PollAsync]
    private static async Future<int> ReadLines(int id, AsyncTcpStream stream, ChannelSender<(int, string)> inbox)
    {
        using (inbox)
        {
            var buffer = new byte[256];
            var pending = new StringBuilder();
            var lines = 0;
            while (true)
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0) return lines;
                pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
                var text = pending.ToString();
                int newline;
                while ((newline = text.IndexOf('\n')) >= 0)
                {
                    await inbox.Send((id, text[..newline]));
                    lines++;
                    text = text[(newline + 1)..];
                }
                pending.Clear().Append(text);
            }
        }
    }

    [PollAsync]
    private static async Future<List<string>> ChatClient(IPEndPoint server, string name, int expected)
    {
        using var stream = await AsyncTcpStream.ConnectAsync(server);
        await stream.WriteAllAsync(Encoding.UTF8.GetBytes($"hello from {name}\n"));
        var received = new List<string>();
        var buffer = new byte[256];
        var text = "";
        while (received.Count < expected)
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0) break;
            text += Encoding.UTF8.GetString(buffer, 0, n);
            var parts = text.Split('\n');
            received.AddRange(parts[..^1].Select(line => line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
            text = parts[^1];
        }
        stream.Shutdown(SocketShutdown.Send); // tells the server this client is done
        received.Sort(StringComparer.Ordinal);
        return received;
    }

    [Fact]
    public void A_chat_server_relays_each_line_to_every_other_client()
    {
        using var executor = new LocalExecutor();
        using var listener = AsyncTcpListener.Bind(AnyLoopback);
        var server = executor.Spawn(ChatServer(listener, clients: 3));
        var clients = new[] { "ann", "bob", "cy" }.Select(name => executor.Spawn(ChatClient(listener.LocalEndPoint, name, expected: 2))).ToList();

        Assert.Equal(6, executor.BlockOn(server, Limit));
        Assert.Equal(["hello from bob", "hello from cy"], executor.BlockOn(clients[0], Limit));
        Assert.Equal(["hello from ann", "hello from cy"], executor.BlockOn(clients[1], Limit));
        Assert.Equal(["hello from ann", "hello from bob"], executor.BlockOn(clients[2], Limit));
    }

    // ---- A line protocol read with StreamReader over AsStream(), inside a future. ----

    [PollAsync]
    private static async Future WriteGreeting(AsyncTcpListener listener)
    {
        using var stream = await listener.AcceptAsync();
        await stream.WriteAllAsync(Encoding.UTF8.GetBytes("HELLO 1.0\r\nuser: ann\r\n\r\nbody text"));
    }

    [PollAsync]
    private static async Future<List<string>> ReadHeaders(IPEndPoint server)
    {
        var connection = await AsyncTcpStream.ConnectAsync(server);
        await using var stream = connection.AsStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { Length: > 0 } line) lines.Add(line);
        lines.Add("rest=" + await reader.ReadToEndAsync());
        return lines;
    }

    private static async Task<List<string>> ReadHeadersWithTcpClient(IPEndPoint server)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server);
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { Length: > 0 } line) lines.Add(line);
        lines.Add("rest=" + await reader.ReadToEndAsync());
        return lines;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamReader_over_AsStream_reads_what_it_reads_over_a_TcpClient(bool workStealing)
    {
        using var listener = AsyncTcpListener.Bind(AnyLoopback);
        List<string> expected, actual;
        if (workStealing)
        {
            using var executor = new WorkStealingExecutor(2);
            var server = executor.Spawn(WriteGreeting(listener));
            expected = await ReadHeadersWithTcpClient(listener.LocalEndPoint).WaitAsync(Limit);
            executor.BlockOn(server, Limit);
            server = executor.Spawn(WriteGreeting(listener));
            actual = executor.BlockOn(ReadHeaders(listener.LocalEndPoint), Limit);
            executor.BlockOn(server, Limit);
        }
        else
        {
            using var executor = new LocalExecutor();
            var server = executor.Spawn(WriteGreeting(listener));
            var client = ReadHeadersWithTcpClient(listener.LocalEndPoint);
            executor.BlockOn(server, Limit);
            expected = await client.WaitAsync(Limit);
            server = executor.Spawn(WriteGreeting(listener));
            actual = executor.BlockOn(ReadHeaders(listener.LocalEndPoint), Limit);
            executor.BlockOn(server, Limit);
        }
        Assert.Equal(["HELLO 1.0", "user: ann", "rest=body text"], expected);
        Assert.Equal(expected, actual);
    }

    // ---- A producer/consumer pipeline with channels, stopped by a CancellationToken. ----

    [PollAsync]
    private static async Future<string> Produce(ChannelSender<int> output, CancellationToken token)
    {
        using (output)
        {
            try
            {
                for (var i = 1; ; i++)
                    if (!await output.Send(i).WithCancellation(token)) return "closed";
            }
            catch (OperationCanceledException)
            {
                return "cancelled";
            }
        }
    }

    [PollAsync]
    private static async Future Square(ChannelReceiver<int> input, ChannelSender<int> output)
    {
        using (input)
        using (output)
        {
            await foreach (var value in input)
                if (!await output.Send(value * value)) return;
        }
    }

    [PollAsync]
    private static async Future<List<int>> TakeUntil(ChannelReceiver<int> input, int limit, CancellationTokenSource stop)
    {
        var taken = new List<int>();
        using (input)
        {
            await foreach (var value in input)
            {
                taken.Add(value);
                if (taken.Sum() > limit) break;
            }
        }
        await stop.CancelAsync(); // AG0100 told this newcomer that Cancel runs the token's callbacks on the executor thread
        return taken;
    }

    private static async Task<List<int>> PlainPipeline(int limit)
    {
        var squares = System.Threading.Channels.Channel.CreateBounded<int>(2);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            try
            {
                for (var i = 1; ; i++) await squares.Writer.WriteAsync(i * i, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        });
        var taken = new List<int>();
        await foreach (var value in squares.Reader.ReadAllAsync())
        {
            taken.Add(value);
            if (taken.Sum() > limit) break;
        }
        stop.Cancel();
        await producer;
        return taken;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cancelled_pipeline_takes_what_plain_Channels_take_and_the_producer_says_why_it_stopped(bool workStealing)
    {
        var expected = await PlainPipeline(100).WaitAsync(Limit);
        using var stop = new CancellationTokenSource();
        var (numbers, numbersIn) = AsyncChannel.Bounded<int>(2);
        var (squares, squaresIn) = AsyncChannel.Bounded<int>(2);
        var producer = Produce(numbers, stop.Token);
        var square = Square(numbersIn, squares);
        var consumer = TakeUntil(squaresIn, 100, stop);
        List<int> taken;
        string why;
        if (workStealing)
        {
            using var executor = new WorkStealingExecutor(2);
            var p = executor.Spawn(producer);
            var s = executor.Spawn(square);
            taken = executor.BlockOn(consumer, Limit);
            why = executor.BlockOn(p, Limit);
            executor.BlockOn(s, Limit);
        }
        else
        {
            using var executor = new LocalExecutor();
            var p = executor.Spawn(producer);
            var s = executor.Spawn(square);
            taken = executor.BlockOn(consumer, Limit);
            why = executor.BlockOn(p, Limit);
            executor.BlockOn(s, Limit);
        }
        Assert.Equal(expected, taken);
        Assert.Equal([1, 4, 9, 16, 25, 36, 49], taken);
        // The square stage ended when the consumer closed its channel; the producer either saw its channel closed
        // by the square stage or the token first: both are clean ends.
        Assert.Contains(why, new[] { "cancelled", "closed" });
    }

    // ---- A JoinSet fan-out: results in completion order, a failure does not hide the others. ----

    [PollAsync]
    private static async Future<int> Job(int id, int yields)
    {
        for (var i = 0; i < yields; i++) await Future.Yield();
        if (id == 3) throw new InvalidOperationException("job 3 failed");
        return id * 100;
    }

    [PollAsync]
    private static async Future<string> FanOut()
    {
        using var set = new JoinSet<int>();
        for (var id = 1; id <= 5; id++) set.Spawn(Job(id, yields: 6 - id));
        var done = new List<string>();
        while (await set.JoinNext() is { } finished)
        {
            try
            {
                done.Add((await finished).ToString());
            }
            catch (InvalidOperationException e)
            {
                done.Add(e.Message);
            }
        }
        return string.Join(",", done);
    }

    [Fact]
    public void A_JoinSet_fan_out_yields_results_in_completion_order_on_a_LocalExecutor()
    {
        using var executor = new LocalExecutor();
        // One thread, FIFO run queue: the job with the fewest yields finishes first.
        Assert.Equal("500,400,job 3 failed,200,100", executor.BlockOn(FanOut(), Limit));
    }

    [Fact]
    public void A_JoinSet_fan_out_gets_every_outcome_on_a_work_stealing_executor()
    {
        using var executor = new WorkStealingExecutor(2);
        var outcomes = executor.BlockOn(FanOut(), Limit).Split(',').Order(StringComparer.Ordinal);
        Assert.Equal(["100", "200", "400", "500", "job 3 failed"], outcomes);
    }

    // ---- A lookup with a timeout that falls back to a cached value. ----

    [PollAsync]
    private static async Future<string> Lookup(OneshotReceiver<string> answer) => (await answer).Value;

    [PollAsync]
    private static async Future<string> LookupOrCached(Future<string> lookup, string cached)
    {
        try
        {
            return await Time.Timeout(lookup, TimeSpan.FromMilliseconds(20));
        }
        catch (TimeoutException)
        {
            return cached;
        }
    }

    [Fact]
    public void A_lookup_that_never_answers_times_out_and_the_cached_value_is_used()
    {
        var (never, neverAnswered) = Oneshot.Create<string>();
        var (ready, answered) = Oneshot.Create<string>();
        ready.Send("fresh");
        using var executor = new LocalExecutor();
        Assert.Equal("cached", executor.BlockOn(LookupOrCached(Lookup(neverAnswered), "cached"), Limit));
        Assert.Equal("fresh", executor.BlockOn(LookupOrCached(Lookup(answered), "cached"), Limit));
        GC.KeepAlive(never);
    }
}
