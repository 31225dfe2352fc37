using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AsyncGen.Net;

namespace AsyncGen.Newcomer.Tests.RuntimeApi;

/// <summary>
/// TCP the way a .NET developer writes it with NetworkStream: a line protocol through StreamReader/StreamWriter
/// over <c>AsStream()</c> inside futures, a length-prefixed protocol over <c>AsDuplexPipe()</c>, a refused
/// connection, a write to a peer that went away. Each test states first what the .NET equivalent does.
/// </summary>
public partial class NetworkHabitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<int> ServeLines(AsyncTcpListener listener, int clients)
    {
        var handlers = new List<JoinHandle<int>>();
        for (int i = 0; i < clients; i++)
        {
            var connection = await listener.AcceptAsync();
            handlers.Add(Executor.Spawn(UpperCaseLines(connection)));
        }
        int lines = 0;
        foreach (var handler in handlers) lines += await handler;
        return lines;
    }

    [PollAsync]
    private static async Future<int> UpperCaseLines(AsyncTcpStream connection)
    {
        int lines = 0;
        await using var stream = connection.AsStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
        while (await reader.ReadLineAsync() is { } line)
        {
            await writer.WriteLineAsync(line.ToUpperInvariant());
            lines++;
        }
        return lines;
    }

    private static async Task<List<string>> TalkLines(int port, params string[] lines)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream);
        await using var writer = new StreamWriter(stream) { AutoFlush = true };
        var replies = new List<string>();
        foreach (var line in lines)
        {
            await writer.WriteLineAsync(line);
            replies.Add((await reader.ReadLineAsync())!);
        }
        client.Client.Shutdown(SocketShutdown.Send);
        Assert.Null(await reader.ReadLineAsync());
        return replies;
    }

    /// <summary>
    /// .NET: a server reading lines with <c>StreamReader.ReadLineAsync</c> over a NetworkStream. Here the server's
    /// handlers are futures using the same StreamReader/StreamWriter over <c>AsStream()</c>, on a single-thread
    /// LocalExecutor (the Stream's pumps and the handler share that one thread) and on a WorkStealingExecutor.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_line_server_uses_StreamReader_and_StreamWriter_inside_futures(bool workStealing)
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = listener.LocalEndPoint.Port;
        Task<int> server;
        WorkStealingExecutor? pool = null;
        if (workStealing)
        {
            pool = new WorkStealingExecutor(2);
            server = pool.SpawnAsTask(ServeLines(listener, 3));
        }
        else
        {
            server = Task.Factory.StartNew(() => Executor.BlockOn(ServeLines(listener, 3), Limit), TaskCreationOptions.LongRunning);
        }
        using (pool)
        {
            var replies = await Task.WhenAll(
                TalkLines(port, "a", "bc"),
                TalkLines(port, "hello"),
                TalkLines(port, "x", "y", "zz")).WaitAsync(Limit);
            Assert.Equal(["A", "BC"], replies[0]);
            Assert.Equal(["HELLO"], replies[1]);
            Assert.Equal(["X", "Y", "ZZ"], replies[2]);
            Assert.Equal(6, await server.WaitAsync(Limit));
        }
    }

    [PollAsync]
    private static async Future<List<string>> ReadFramesFromPipe(AsyncTcpListener listener)
    {
        using var connection = await listener.AcceptAsync();
        var pipe = connection.AsDuplexPipe();
        var frames = new List<string>();
        while (true)
        {
            var result = await pipe.Input.ReadAsync();
            var buffer = result.Buffer;
            while (TryReadFrame(ref buffer, out var frame)) frames.Add(frame);
            pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) break;
        }
        await pipe.Input.CompleteAsync();
        await pipe.Output.WriteAsync(Encoding.ASCII.GetBytes($"{frames.Count}"));
        await pipe.Output.CompleteAsync();
        return frames;
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out string frame)
    {
        frame = "";
        if (buffer.Length < 1) return false;
        int length = buffer.FirstSpan[0];
        if (buffer.Length < 1 + length) return false;
        frame = Encoding.ASCII.GetString(buffer.Slice(1, length));
        buffer = buffer.Slice(1 + length);
        return true;
    }

    /// <summary>
    /// .NET: a PipeReader parsing length-prefixed frames (Kestrel's style): ReadAsync, slice, AdvanceTo(consumed,
    /// examined), until IsCompleted. Here the pipe is <c>AsDuplexPipe()</c> of an accepted connection and the loop
    /// is a future; the client sends the frames in awkward pieces.
    /// </summary>
    [Fact]
    public async Task A_PipeReader_parses_frames_split_across_writes_inside_a_future()
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var pool = new WorkStealingExecutor(2);
        var server = pool.SpawnAsTask(ReadFramesFromPipe(listener));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, listener.LocalEndPoint.Port);
        var stream = client.GetStream();
        byte[] bytes = [3, (byte)'a', (byte)'b', (byte)'c', 0, 2, (byte)'h', (byte)'i'];
        foreach (var piece in new[] { bytes[..2], bytes[2..5], bytes[5..7], bytes[7..] })
        {
            await stream.WriteAsync(piece);
            await stream.FlushAsync();
            await Task.Delay(2);
        }
        client.Client.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream);
        Assert.Equal("3", await reader.ReadToEndAsync().WaitAsync(Limit));
        Assert.Equal(["abc", "", "hi"], await server.WaitAsync(Limit));
    }

    [PollAsync]
    private static async Future<SocketError> ConnectToNobody(int port)
    {
        try
        {
            using var stream = await AsyncTcpStream.ConnectAsync(IPAddress.Loopback, port);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    /// <summary>.NET: <c>TcpClient.ConnectAsync</c> to a port nobody listens on throws SocketException ConnectionRefused.</summary>
    [Fact]
    public void Connecting_to_a_closed_port_throws_SocketException_ConnectionRefused()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Assert.Equal(SocketError.ConnectionRefused, Executor.BlockOn(ConnectToNobody(port), Limit));
    }

    [PollAsync]
    private static async Future<string> WriteUntilThePeerIsGone(AsyncTcpListener listener, TaskCompletionSource accepted, Task peerGone)
    {
        using var connection = await listener.AcceptAsync();
        accepted.SetResult();
        await peerGone;
        var chunk = new byte[64 * 1024];
        try
        {
            for (int i = 0; i < 1000; i++) await connection.WriteAllAsync(chunk);
            return "wrote everything";
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode.ToString();
        }
    }

    /// <summary>
    /// .NET: writing to a NetworkStream whose peer closed (with unread data: an RST) fails with an IOException
    /// wrapping SocketException ConnectionReset or Shutdown/ConnectionAborted (EPIPE). Here the write throws a
    /// SocketException, not a hang.
    /// </summary>
    [Fact]
    public async Task Writing_to_a_peer_that_reset_the_connection_throws_SocketException()
    {
        using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var pool = new WorkStealingExecutor(2);
        var server = pool.SpawnAsTask(WriteUntilThePeerIsGone(listener, accepted, gone.Task));
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, listener.LocalEndPoint.Port);
        await accepted.Task.WaitAsync(Limit);
        client.LingerState = new LingerOption(true, 0); // close with RST
        client.Dispose();
        gone.SetResult();
        var outcome = await server.WaitAsync(Limit);
        Assert.Contains(outcome, new[] { "ConnectionReset", "Shutdown", "ConnectionAborted" });
    }
}
