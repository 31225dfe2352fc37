using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AsyncGen.Net;

namespace AsyncGen.Newcomer.Tests;

/// <summary>
/// A server written with <see cref="AsyncTcpListener"/> / <see cref="AsyncTcpStream"/> and clients written with
/// plain .NET <see cref="TcpClient"/> (and the other way round), the way the EchoServer sample is structured.
/// </summary>
public partial class SocketProgramTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Accepts until the listener is disposed; each connection is served by its own task.</summary>
    [PollAsync]
    private static async Future<int> Serve(AsyncTcpListener listener)
    {
        var connections = new List<JoinHandle<int>>();
        while (true)
        {
            AsyncTcpStream stream;
            try
            {
                stream = await listener.AcceptAsync();
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            connections.Add(Executor.Spawn(Echo(stream)));
        }
        int bytes = 0;
        foreach (var connection in connections) bytes += await connection;
        return bytes;
    }

    [PollAsync]
    private static async Future<int> Echo(AsyncTcpStream stream)
    {
        using (stream)
        {
            var buffer = new byte[1024];
            int total = 0;
            while (true)
            {
                int n = await stream.ReadAsync(buffer);
                if (n == 0) return total;
                total += n;
                await stream.WriteAllAsync(buffer.AsMemory(0, n));
            }
        }
    }

    private static async Task<byte[]> EchoClient(IPEndPoint server, int size)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Address, server.Port);
        var stream = client.GetStream();
        var sent = new byte[size];
        Random.Shared.NextBytes(sent);
        var received = new byte[size];
        var reading = stream.ReadExactlyAsync(received).AsTask();
        await stream.WriteAsync(sent);
        await reading.WaitAsync(Limit);
        client.Client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Limit)); // the server closed
        Assert.Equal(sent, received);
        return received;
    }

    private static async Task RunClientsThenStop(AsyncTcpListener listener, Task<int> server, int clients, int size)
    {
        var all = new List<Task<byte[]>>();
        for (int i = 0; i < clients; i++) all.Add(EchoClient(listener.LocalEndPoint, size));
        await Task.WhenAll(all).WaitAsync(Limit);
        listener.Dispose(); // from a thread-pool thread: the pending accept throws ObjectDisposedException
        Assert.Equal(clients * size, await server.WaitAsync(Limit));
    }

    [Fact]
    public async Task TcpClients_talk_to_an_echo_server_on_a_work_stealing_executor()
    {
        using var executor = new WorkStealingExecutor(2);
        var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await RunClientsThenStop(listener, executor.SpawnAsTask(Serve(listener)), clients: 8, size: 64 * 1024);
    }

    [Fact]
    public async Task TcpClients_talk_to_an_echo_server_on_a_LocalExecutor_thread()
    {
        var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        // AsTask outside an executor: a LocalExecutor on a thread of its own, as a console app's BlockOn would be.
        await RunClientsThenStop(listener, Serve(listener).AsTask(), clients: 4, size: 16 * 1024);
    }

    /// <summary>An AsyncGen client against a server written with .NET's TcpListener.</summary>
    [PollAsync]
    private static async Future<string> Ask(IPEndPoint server, string question)
    {
        using var stream = await AsyncTcpStream.ConnectAsync(server);
        await stream.WriteAllAsync(Encoding.UTF8.GetBytes(question));
        stream.Shutdown(SocketShutdown.Send);
        var answer = new MemoryStream();
        var buffer = new byte[256];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) answer.Write(buffer, 0, n);
        return Encoding.UTF8.GetString(answer.ToArray());
    }

    [Fact]
    public async Task An_AsyncTcpStream_client_talks_to_a_dotnet_TcpListener_server()
    {
        var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        try
        {
            var endPoint = (IPEndPoint)server.LocalEndpoint;
            var serving = Task.Run(async () =>
            {
                using var connection = await server.AcceptTcpClientAsync();
                using var reader = new StreamReader(connection.GetStream());
                var question = await reader.ReadToEndAsync();
                var reply = Encoding.UTF8.GetBytes($"you said: {question}");
                await connection.GetStream().WriteAsync(reply);
            });
            Assert.Equal("you said: ping", await Ask(endPoint, "ping").AsTask().WaitAsync(Limit));
            await serving.WaitAsync(Limit);
        }
        finally
        {
            server.Stop();
        }
    }

    /// <summary>
    /// A read given up by a timeout loses nothing: the server times out waiting once, tells the client so, and the
    /// next read gets the line the client sends after that.
    /// </summary>
    [PollAsync]
    private static async Future<string> ReadAfterATimeout(AsyncTcpListener listener)
    {
        using var stream = await listener.AcceptAsync();
        var buffer = new byte[64];
        try
        {
            await Time.Timeout(stream.ReadAsync(buffer), TimeSpan.FromMilliseconds(5));
            return "read without data";
        }
        catch (TimeoutException)
        {
        }
        await stream.WriteAllAsync("timed out\n"u8.ToArray());
        int n = await stream.ReadAsync(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Fact]
    public async Task A_read_cancelled_by_Time_Timeout_leaves_the_connection_usable()
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var executor = new WorkStealingExecutor(2);
        var server = executor.SpawnAsTask(ReadAfterATimeout(listener));
        using var client = new TcpClient();
        await client.ConnectAsync(listener.LocalEndPoint.Address, listener.LocalEndPoint.Port);
        using var reader = new StreamReader(client.GetStream());
        Assert.Equal("timed out", await reader.ReadLineAsync().WaitAsync(Limit));
        await client.GetStream().WriteAsync("hello"u8.ToArray());
        Assert.Equal("hello", await server.WaitAsync(Limit));
    }

    /// <summary>Inside a future: the connection as a Stream, read line by line with a StreamReader.</summary>
    [PollAsync]
    private static async Future<List<string>> ReadLinesThroughAStream(AsyncTcpListener listener)
    {
        using var connection = await listener.AcceptAsync();
        using var reader = new StreamReader(connection.AsStream(WorkStealingExecutor.Current!, ownsStream: false), Encoding.UTF8);
        var lines = new List<string>();
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null) lines.Add(line);
        return lines;
    }

    [Fact]
    public async Task A_future_reads_lines_with_a_StreamReader_over_AsStream()
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var executor = new WorkStealingExecutor(2);
        var server = executor.SpawnAsTask(ReadLinesThroughAStream(listener));
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(listener.LocalEndPoint.Address, listener.LocalEndPoint.Port);
            await using var writer = new StreamWriter(client.GetStream(), new UTF8Encoding(false));
            for (int i = 0; i < 100; i++) await writer.WriteLineAsync($"line {i}");
        }
        var lines = await server.WaitAsync(Limit);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"line {i}"), lines);
    }

    [PollAsync]
    private static async Future<string> ReadUntilReset(AsyncTcpListener listener)
    {
        using var stream = await listener.AcceptAsync();
        var buffer = new byte[64];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
            return "end of stream";
        }
        catch (SocketException error)
        {
            return error.SocketErrorCode.ToString();
        }
    }

    [Fact]
    public async Task A_client_that_resets_the_connection_surfaces_as_ConnectionReset_in_the_server()
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var executor = new WorkStealingExecutor(2);
        var server = executor.SpawnAsTask(ReadUntilReset(listener));
        // A raw Socket: TcpClient.Dispose shuts the connection down (FIN) before closing, so the reset would come
        // after an end of stream.
        using (var client = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(listener.LocalEndPoint);
            await client.SendAsync("x"u8.ToArray());
            client.Close(timeout: 0); // SO_LINGER 0: close with RST
        }
        Assert.Equal(nameof(SocketError.ConnectionReset), await server.WaitAsync(Limit));
    }

    [PollAsync]
    private static async Future<AsyncTcpStream> AcceptOne(AsyncTcpListener listener) => await listener.AcceptAsync();

    /// <summary>Kestrel-style Task code over the duplex pipe: reads lines from the PipeReader, answers each.</summary>
    private static async Task<int> ServeLinesOverPipes(IDuplexPipe pipe)
    {
        int lines = 0;
        while (true)
        {
            var read = await pipe.Input.ReadAsync();
            var buffer = read.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, end));
                buffer = buffer.Slice(buffer.GetPosition(1, end));
                await pipe.Output.WriteAsync(Encoding.UTF8.GetBytes($"{line.Length}\n"));
                lines++;
            }
            pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted) break;
        }
        await pipe.Input.CompleteAsync();
        await pipe.Output.CompleteAsync();
        return lines;
    }

    [Fact]
    public async Task Task_code_serves_a_connection_through_AsDuplexPipe()
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var executor = new WorkStealingExecutor(2);
        var accepted = executor.SpawnAsTask(AcceptOne(listener));
        using var client = new TcpClient();
        await client.ConnectAsync(listener.LocalEndPoint.Address, listener.LocalEndPoint.Port);
        using var connection = await accepted.WaitAsync(Limit);
        var serving = ServeLinesOverPipes(connection.AsDuplexPipe(executor));

        var stream = client.GetStream();
        using var reader = new StreamReader(stream);
        foreach (var word in new[] { "a", "bb", "ccc" })
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(word + "\n"));
            Assert.Equal(word.Length.ToString(), await reader.ReadLineAsync().WaitAsync(Limit));
        }
        client.Client.Shutdown(SocketShutdown.Send);
        Assert.Equal(3, await serving.WaitAsync(Limit));
    }
}
