using System.Net.Sockets;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>Peer resets, half-close, dead peers, refused and hanging connects, disposed listeners.</summary>
public class FaultTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    /// <summary>Lets every task queued before this one run until it parks (the executor is FIFO).</summary>
    private static IFuture<int> LetOthersRun() => new SelfWakingFuture(times: 1);

    /// <summary>Awaits <paramref name="future"/> and returns the exception it threw (or null).</summary>
    internal static async Future<Exception?> Caught<T>(IFuture<T> future)
    {
        try
        {
            await future;
            return null;
        }
        catch (Exception error)
        {
            return error;
        }
    }

    private static async Future<SocketError> ResetDuringRead()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (server)
        {
            var read = Executor.Spawn(server.ReadAsync(new byte[16]).AsFuture());
            await LetOthersRun(); // the read is now pending
            client.Linger = TimeSpan.Zero;
            client.Dispose(); // RST
            return Assert.IsType<SocketException>(await Caught(read)).SocketErrorCode;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Peer_reset_during_a_pending_read_throws_ConnectionReset(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal(SocketError.ConnectionReset, Executor.BlockOn(ResetDuringRead(), s_limit));
    }

    private static async Future<SocketError> ResetDuringWrite()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (server)
        {
            // 32 MiB cannot fit in loopback socket buffers while the client reads nothing: the write parks.
            var write = Executor.Spawn(server.WriteAllAsync(new byte[32 << 20]).AsFuture());
            await LetOthersRun();
            Assert.False(write.IsCompleted);
            client.Linger = TimeSpan.Zero;
            client.Dispose();
            return Assert.IsType<SocketException>(await Caught(write)).SocketErrorCode;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Peer_reset_during_a_pending_write_throws(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        // ECONNRESET, or EPIPE (SocketError.Shutdown) when the reset was processed before the retried send.
        Assert.Contains(Executor.BlockOn(ResetDuringWrite(), s_limit), new[] { SocketError.ConnectionReset, SocketError.Shutdown });
    }

    private static async Future<string> HalfClose()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            await client.WriteAllAsync("question"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[64];
            Assert.Equal(8, await Loopback.ReadFull(server, buffer));  // the data, then end of stream
            Assert.Equal(0, await server.ReadAsync(buffer));          // EOF stays EOF
            await server.WriteAllAsync("answer"u8.ToArray());         // the other direction still works
            server.Shutdown(SocketShutdown.Send);
            int n = await Loopback.ReadFull(client, buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, n);
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Half_close_reader_sees_EOF_and_the_writer_still_works(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal("answer", Executor.BlockOn(HalfClose(), s_limit));
    }

    private static async Future<SocketError> WriteUntilFailure()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (server)
        {
            client.Dispose(); // FIN; the first write after it draws an RST, the next one EPIPE
            var data = new byte[1024];
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                try
                {
                    await server.WriteAsync(data);
                }
                catch (SocketException error)
                {
                    return error.SocketErrorCode;
                }
                await Time.Sleep(TimeSpan.FromMilliseconds(1));
            }
            return SocketError.Success;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Writing_to_a_closed_peer_throws_instead_of_killing_the_process_with_SIGPIPE(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Contains(Executor.BlockOn(WriteUntilFailure(), s_limit), new[] { SocketError.Shutdown, SocketError.ConnectionReset });
    }

    private static async Future<int> ConnectUntilOneHangs(TimeSpan limit)
    {
        // A listener that never accepts, with backlog 1: once its accept queue is full the kernel drops further
        // SYNs, so a connect hangs in SYN-SENT like one to a filtered port.
        using var listener = Loopback.Listen(backlog: 1);
        var established = new List<AsyncTcpStream>();
        try
        {
            for (int attempt = 1; attempt <= 16; attempt++)
            {
                try
                {
                    established.Add(await Time.Timeout(AsyncTcpStream.ConnectAsync(listener.LocalEndPoint), limit));
                }
                catch (TimeoutException)
                {
                    return attempt;
                }
            }
            return -1;
        }
        finally
        {
            foreach (var stream in established) stream.Dispose();
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Connect_that_hangs_is_cancelled_by_Time_Timeout(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        // The portable driver's completions come through the thread pool, which a loaded machine (this suite runs
        // tests in parallel on two cores) can delay past 200 ms: a connect that succeeds would then count as hung.
        var limit = TimeSpan.FromMilliseconds(driver == IoDriverKind.Portable ? 2000 : 200);
        int attempt = executor.BlockOn(ConnectUntilOneHangs(limit), s_limit);
        Assert.InRange(attempt, 2, 16);
        Assert.Equal(0, executor.Driver.Io.RegistrationCount); // the cancelled connect's socket was closed
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Accept_after_the_listener_is_disposed_throws_ObjectDisposedException(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        var listener = Loopback.Listen();
        listener.Dispose();
        Assert.Throws<ObjectDisposedException>(() => listener.AcceptAsync());
    }

    private static async Future<bool> DisposeDuringAccept()
    {
        var listener = Loopback.Listen();
        var accept = Executor.Spawn(listener.AcceptAsync().AsFuture());
        await LetOthersRun();
        listener.Dispose(); // wakes the pending accept
        return await Caught(accept) is ObjectDisposedException;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Pending_accept_is_woken_and_throws_when_the_listener_is_disposed(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.True(Executor.BlockOn(DisposeDuringAccept(), s_limit));
    }
}
