using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>Disposing an operation is cancellation: its interest leaves the reactor, and no data is lost.</summary>
public class CancellationTests
{
    [Theory, ClassData(typeof(EveryDriver))]
    public void Disposed_pending_read_is_not_woken_by_later_data_and_the_data_stays_readable(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        using var listener = Loopback.Listen();
        var (client, server) = executor.BlockOn(Loopback.Pair(listener));
        using (client)
        using (server)
        {
            var counter = new CountingWakeTarget();
            var buffer = new byte[16];
            using (executor.Driver.Enter())
            {
                var read = server.ReadAsync(buffer);
                var cx = new Context(counter.Waker);
                Assert.True(read.Poll(ref cx).IsPending);
                read.Dispose();

                executor.BlockOn(client.WriteAllAsync("late"u8.ToArray()));
                executor.Driver.Io.Park(100); // dispatches the readable event: nobody is waiting
                Assert.Equal(0, counter.Wakes);
            }
            Assert.Equal(4, executor.BlockOn(server.ReadAsync(buffer)));
            Assert.Equal("late"u8.ToArray(), buffer[..4]);
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Pending_read_is_woken_when_its_stream_is_disposed_and_then_throws_ObjectDisposedException(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        using var listener = Loopback.Listen();
        var (client, server) = executor.BlockOn(Loopback.Pair(listener));
        using (client)
        {
            var counter = new CountingWakeTarget();
            using (executor.Driver.Enter())
            {
                var read = server.ReadAsync(new byte[16]);
                var cx = new Context(counter.Waker);
                Assert.True(read.Poll(ref cx).IsPending);
                server.Dispose();
                Assert.Equal(1, counter.Wakes);
                Assert.Throws<ObjectDisposedException>(() =>
                {
                    var again = new Context(counter.Waker);
                    read.Poll(ref again);
                });
            }
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void A_write_disposed_while_the_peer_does_not_read_never_tears_the_stream(IoDriverKind driver)
    {
        // A completion driver cannot recall a send it started: the disposed write's bytes may still go out (the
        // portable driver sends them), but only whole, in order, before the next write's.
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        using var listener = Loopback.Listen();
        var (client, server) = executor.BlockOn(Loopback.Pair(listener));
        using (client)
        using (server)
        {
            var (expected, disposedValue) = FillUntilAWriteWaitsThenDisposeIt(executor, client);
            var received = executor.BlockOn(DrainWhileWriting(server, client), TimeSpan.FromSeconds(60));

            Assert.True(received.Take(expected.Count).SequenceEqual(expected), "the bytes of the completed writes differ");
            int sentOfDisposed = received.Skip(expected.Count).TakeWhile(b => b == disposedValue).Count();
            Assert.InRange(sentOfDisposed, 0, FillChunk);
            Assert.Equal("last"u8.ToArray(), received.Skip(expected.Count + sentOfDisposed).ToArray());
        }
    }

    private const int FillChunk = 64 * 1024;

    /// <summary>
    /// Writes 64 KiB chunks, each of its own byte (1 to 100: never one of "last"), until the socket buffers are full
    /// and a write waits; disposes that one. Returns the bytes of the completed writes and the disposed one's byte.
    /// </summary>
    private static (List<byte> Expected, byte DisposedValue) FillUntilAWriteWaitsThenDisposeIt(LocalExecutor executor, AsyncTcpStream client)
    {
        var expected = new List<byte>();
        var counter = new CountingWakeTarget();
        using (executor.Driver.Enter())
        {
            for (byte value = 1; ; value = (byte)(value % 100 + 1))
            {
                var write = client.WriteAsync(Enumerable.Repeat(value, FillChunk).ToArray());
                var cx = new Context(counter.Waker);
                var poll = write.Poll(ref cx);
                if (poll.IsPending)
                {
                    write.Dispose();
                    return (expected, value);
                }
                expected.AddRange(Enumerable.Repeat(value, poll.Value));
            }
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void A_shutdown_after_a_disposed_write_sends_the_write_whole_or_not_at_all_then_end_of_stream(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        using var listener = Loopback.Listen();
        var (client, server) = executor.BlockOn(Loopback.Pair(listener));
        using (client)
        using (server)
        {
            var (expected, disposedValue) = FillUntilAWriteWaitsThenDisposeIt(executor, client);
            client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            var received = executor.BlockOn(ReadToEnd(server), TimeSpan.FromSeconds(60));

            Assert.True(received.Take(expected.Count).SequenceEqual(expected), "the bytes of the completed writes differ");
            var rest = received.Skip(expected.Count).ToArray();
            Assert.All(rest, b => Assert.Equal(disposedValue, b));
            // Readiness drivers (and io_uring, whose pending write copied nothing) sent none of it; the portable
            // driver had copied one buffer (16 KiB) and sends all of it before the FIN, never a part.
            Assert.Equal(driver == IoDriverKind.Portable ? 16 * 1024 : 0, rest.Length);
        }
    }

    private static async Future<byte[]> ReadToEnd(AsyncTcpStream reader)
    {
        var all = new List<byte>();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0) all.AddRange(buffer.AsSpan(0, n));
        return all.ToArray();
    }

    /// <summary>Writes the final message and closes, while reading everything the peer receives.</summary>
    private static async Future<byte[]> DrainWhileWriting(AsyncTcpStream reader, AsyncTcpStream writer)
    {
        var writing = Executor.Spawn(WriteLastAndClose(writer));
        var all = new List<byte>();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0) all.AddRange(buffer.AsSpan(0, n));
        await writing;
        return all.ToArray();
    }

    private static async Future<int> WriteLastAndClose(AsyncTcpStream writer)
    {
        await writer.WriteAllAsync("last"u8.ToArray());
        writer.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        return 0;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void A_read_disposed_on_an_executor_that_then_ended_loses_no_byte_on_the_next_executor(IoDriverKind driver)
    {
        // The portable driver's receive keeps running after the read is disposed and its executor is gone: what it
        // receives must reach the read on the socket's next executor.
        using var onDriver = TestDriver.Use(driver);
        using var listener = Loopback.Listen();
        var (client, server) = Executor.BlockOn(Loopback.Pair(listener));
        using (client)
        using (server)
        {
            using (var first = new LocalExecutor())
            using (first.Driver.Enter())
            {
                var read = server.ReadAsync(new byte[16]);
                var cx = new Context(new CountingWakeTarget().Waker);
                Assert.True(read.Poll(ref cx).IsPending);
                read.Dispose();
            }
            Executor.BlockOn(client.WriteAllAsync("moved"u8.ToArray()));
            var buffer = new byte[5];
            Assert.Equal(5, Executor.BlockOn(Loopback.ReadFull(server, buffer), TimeSpan.FromSeconds(60)));
            Assert.Equal("moved"u8.ToArray(), buffer);
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void An_accept_disposed_on_an_executor_that_then_ended_loses_no_connection(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var listener = Loopback.Listen();
        using (var first = new LocalExecutor())
        using (first.Driver.Enter())
        {
            var accept = listener.AcceptAsync();
            var cx = new Context(new CountingWakeTarget().Waker);
            Assert.True(accept.Poll(ref cx).IsPending);
            accept.Dispose();
        }
        using var client = Executor.BlockOn(AsyncTcpStream.ConnectAsync(listener.LocalEndPoint));
        using var server = Executor.BlockOn(listener.AcceptAsync(), TimeSpan.FromSeconds(60));
        Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
    }
}
