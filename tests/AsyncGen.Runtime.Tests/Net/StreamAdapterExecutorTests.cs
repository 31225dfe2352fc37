using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Sync;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>
/// <c>AsStream</c> / <c>AsDuplexPipe</c> on either executor: a <see cref="LocalExecutor"/> driven from Task code on
/// other threads, the lifetime of the two tasks behind each Stream, and the races of the lanes that hand operations to
/// them (cancellation against completion, disposal of the executor).
/// </summary>
public class StreamAdapterExecutorTests
{
    private static readonly TimeSpan Limit = SyncTestSupport.StallLimit;

    /// <summary>A connected pair made on <paramref name="executor"/>, whose driver both are registered with.</summary>
    private static (AsyncTcpStream Client, AsyncTcpStream Server) Pair(LocalExecutor executor)
    {
        using var listener = Loopback.Listen();
        return executor.BlockOn(Loopback.Pair(listener), Limit);
    }

    /// <summary>Runs <paramref name="executor"/> on a thread of its own until every task (the Streams' lanes) ended.</summary>
    private static Task RunOnItsOwnThread(LocalExecutor executor) =>
        Task.Factory.StartNew(executor.Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static async Future<string> ExchangeLinesInsideATask(int lines)
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        await using var clientStream = client.AsStream(); // the current executor, a LocalExecutor here
        await using var serverStream = server.AsStream();
        using var reader = new StreamReader(serverStream, Encoding.UTF8);
        await using var writer = new StreamWriter(clientStream, new UTF8Encoding(false)) { AutoFlush = true };
        var received = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            await writer.WriteLineAsync($"line {i}");
            received.Append(await reader.ReadLineAsync()).Append(';');
        }
        return received.ToString();
    }

    [Fact]
    public void A_future_on_a_LocalExecutor_reads_lines_with_a_StreamReader_over_AsStream()
    {
        using var executor = new LocalExecutor();
        string received = executor.BlockOn(ExchangeLinesInsideATask(5), Limit);
        Assert.Equal("line 0;line 1;line 2;line 3;line 4;", received);
        Assert.Equal(0, executor.TaskCount); // the Streams' tasks ended with their dispose
    }

    [Fact]
    public async Task Task_code_on_other_threads_talks_through_Streams_of_a_LocalExecutor_whose_Run_ends_when_they_are_disposed()
    {
        using var executor = new LocalExecutor();
        var (client, server) = Pair(executor);
        var clientStream = client.AsStream(executor); // before it runs: allowed from any thread
        var serverStream = server.AsStream(executor);
        Assert.Equal(4, executor.TaskCount);
        var running = RunOnItsOwnThread(executor);

        var request = new byte[200_000]; // many socket reads and writes
        Random.Shared.NextBytes(request);
        var write = clientStream.WriteAsync(request).AsTask();
        var received = new byte[request.Length];
        await serverStream.ReadExactlyAsync(received).AsTask().WaitAsync(Limit);
        await write.WaitAsync(Limit);
        Assert.Equal(request, received);
        Assert.Null(LocalExecutor.Current); // continuations ran on the thread pool

        await serverStream.DisposeAsync();
        await clientStream.DisposeAsync();
        await running.WaitAsync(Limit); // Run returned: no task was left behind
        Assert.Equal(0, executor.TaskCount);
    }

    [Fact]
    public async Task A_duplex_pipe_over_a_LocalExecutor_carries_a_message_and_completing_both_pipes_ends_its_tasks()
    {
        using var executor = new LocalExecutor();
        var (client, server) = Pair(executor);
        using (client)
        using (server)
        {
            var clientPipe = client.AsDuplexPipe(executor);
            var serverPipe = server.AsDuplexPipe(executor);
            var running = RunOnItsOwnThread(executor);

            var message = new byte[100_000];
            Random.Shared.NextBytes(message);
            await clientPipe.Output.WriteAsync(message).AsTask().WaitAsync(Limit);
            var received = await serverPipe.Input.ReadAtLeastAsync(message.Length).AsTask().WaitAsync(Limit);
            Assert.Equal(message, received.Buffer.Slice(0, message.Length).ToArray());
            serverPipe.Input.AdvanceTo(received.Buffer.End);

            foreach (var pipe in new[] { clientPipe, serverPipe })
            {
                await pipe.Input.CompleteAsync();
                await pipe.Output.CompleteAsync();
            }
            await running.WaitAsync(Limit);
            Assert.Equal(0, executor.TaskCount);
        }
    }

    private static async Future<int> WaitFor(global::AsyncGen.Sync.OneshotReceiver<int> signal) => (await signal).Value;

    [Fact]
    public async Task AsStream_of_a_LocalExecutor_from_another_thread_while_it_runs_says_where_to_call_it()
    {
        using var executor = new LocalExecutor();
        var (client, server) = Pair(executor);
        using (client)
        using (server)
        {
            var (stop, stopped) = AsyncGen.Sync.Oneshot.Create<int>();
            var running = Task.Factory.StartNew(() => executor.BlockOn(WaitFor(stopped), Limit),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            SpinWait.SpinUntil(() => LocalExecutorIsRunning(executor), Limit);

            var error = Assert.Throws<InvalidOperationException>(() => client.AsStream(executor));
            Assert.Contains("inside one of its tasks", error.Message);
            Assert.Throws<InvalidOperationException>(() => client.AsDuplexPipe(executor));

            stop.Send(1);
            Assert.Equal(1, await running.WaitAsync(Limit));
        }
    }

    // Spawning from a thread that does not run it fails exactly while it runs.
    private static bool LocalExecutorIsRunning(LocalExecutor executor) => !executor.CanSpawnFromThisThread;

    [Fact]
    public void AsStream_and_AsDuplexPipe_without_an_executor_outside_a_task_say_to_pass_one()
    {
        using var executor = new LocalExecutor();
        var (client, server) = Pair(executor);
        using (client)
        using (server)
        {
            Assert.Contains("AsStream(executor)", Assert.Throws<InvalidOperationException>(() => client.AsStream()).Message);
            Assert.Contains("AsDuplexPipe(executor)", Assert.Throws<InvalidOperationException>(() => client.AsDuplexPipe()).Message);
        }
    }

    [Fact]
    public async Task A_second_ReadAsync_while_one_is_in_flight_throws_and_the_first_still_completes()
    {
        using var executor = new WorkStealingExecutor(1);
        using var listener = Loopback.Listen();
        var (client, server) = executor.BlockOn(Loopback.Pair(listener), Limit);
        await using var clientStream = client.AsStream(executor);
        await using var serverStream = server.AsStream(executor);

        var buffer = new byte[4];
        var first = serverStream.ReadAsync(buffer);
        var error = Assert.Throws<InvalidOperationException>(() => serverStream.ReadAsync(new byte[4]));
        Assert.Contains("one read and one write at a time", error.Message);

        await clientStream.WriteAsync("ab"u8.ToArray());
        int read = await first.AsTask().WaitAsync(Limit);
        Assert.Equal("ab"u8.ToArray(), buffer[..read]);
    }

    [Fact]
    public async Task Disposing_the_executor_fails_a_pending_read_and_later_operations_with_ObjectDisposedException()
    {
        var executor = new WorkStealingExecutor(1);
        using var listener = Loopback.Listen();
        var (client, server) = executor.BlockOn(Loopback.Pair(listener), Limit);
        using (client)
        using (server)
        {
            var serverStream = server.AsStream(executor, ownsStream: false);
            var pending = serverStream.ReadAsync(new byte[4]).AsTask();

            executor.Dispose();

            var failure = await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.WaitAsync(Limit));
            Assert.Contains("executor was disposed", failure.Message);
            Assert.Throws<ObjectDisposedException>(() => serverStream.ReadAsync(new byte[4]));
            Assert.Throws<ObjectDisposedException>(() => serverStream.WriteAsync(new byte[4]));
        }
    }

    /// <summary>
    /// Cancellation racing completion, on both executors: reads whose token is cancelled at once, before or after the
    /// byte they wait for is written, either complete with it or are cancelled having taken nothing, so every byte
    /// arrives once and in order.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reads_cancelled_while_their_data_arrives_lose_nothing_and_duplicate_nothing(bool localExecutor)
    {
        using var local = localExecutor ? new LocalExecutor() : null;
        using var shared = localExecutor ? null : new WorkStealingExecutor(2);
        using var listener = Loopback.Listen();
        var (client, server) = local is not null
            ? local.BlockOn(Loopback.Pair(listener), Limit)
            : shared!.BlockOn(Loopback.Pair(listener), Limit);
        var clientStream = local is not null ? client.AsStream(local) : client.AsStream(shared!);
        var serverStream = local is not null ? server.AsStream(local) : server.AsStream(shared!);
        var running = local is not null ? RunOnItsOwnThread(local) : Task.CompletedTask;

        const int Bytes = 300;
        var received = new List<byte>(Bytes);
        var buffer = new byte[1];
        for (int i = 0; i < Bytes; i++)
        {
            bool writeFirst = i % 2 == 0;
            if (writeFirst) await clientStream.WriteAsync(new[] { (byte)i }).AsTask().WaitAsync(Limit);
            while (true)
            {
                using var source = new CancellationTokenSource();
                var read = serverStream.ReadAsync(buffer, source.Token).AsTask();
                if (!writeFirst)
                {
                    writeFirst = true;
                    var write = clientStream.WriteAsync(new[] { (byte)i }).AsTask();
                    source.Cancel();
                    await write.WaitAsync(Limit);
                }
                else
                {
                    source.Cancel();
                }
                try
                {
                    Assert.Equal(1, await read.WaitAsync(Limit));
                    received.Add(buffer[0]);
                    break;
                }
                catch (OperationCanceledException)
                {
                    // cancelled before it took the byte: the next read gets it
                }
            }
        }
        Assert.Equal(Enumerable.Range(0, Bytes).Select(i => (byte)i), received);

        await serverStream.DisposeAsync();
        await clientStream.DisposeAsync();
        await running.WaitAsync(Limit);
    }
}
