using System.Net;
using System.Net.Sockets;
using AsyncGen.Net;

namespace AsyncGen.Soak;

/// <summary>
/// An echo server and clients that churn connections with faults injected: some reset the connection mid-stream
/// (RST), some give up on a read (cancel) and close, some read back slowly in small chunks.
/// </summary>
internal static partial class EchoWorkload
{
    [PollAsync]
    public static async Future Serve(AsyncTcpListener listener, SoakCounters counters)
    {
        while (true)
        {
            AsyncTcpStream? stream = null;
            try
            {
                stream = await listener.AcceptAsync();
            }
            catch (ObjectDisposedException)
            {
                return; // the run is over
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref counters.ServerAcceptErrors);
            }
            if (stream is null)
            {
                await Time.Sleep(TimeSpan.FromMilliseconds(10));
                continue;
            }
            _ = Executor.Spawn(Echo(stream, counters));
        }
    }

    [PollAsync]
    public static async Future Echo(AsyncTcpStream stream, SoakCounters counters)
    {
        using (stream)
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    int n = await stream.ReadAsync(buffer);
                    if (n == 0) return;
                    await stream.WriteAllAsync(buffer.AsMemory(0, n));
                }
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref counters.ServerResetsSeen); // an injected RST
            }
            catch (Exception error)
            {
                counters.Unexpected(error);
            }
        }
    }

    /// <summary>One connection, one byte each way, everything closed: the process's one-time socket set-up happens here.</summary>
    [PollAsync]
    public static async Future WarmUp(AsyncTcpListener listener)
    {
        using var client = await AsyncTcpStream.ConnectAsync(listener.LocalEndPoint);
        using var server = await listener.AcceptAsync();
        await client.WriteAllAsync(new byte[] { 1 });
        await server.ReadAsync(new byte[1]);
    }

    /// <summary>One client: connections one after another until <paramref name="stop"/>, each with a random fault.</summary>
    [PollAsync]
    public static async Future Client(IPEndPoint server, int seed, SoakCounters counters, StopSignal stop)
    {
        var random = new Random(seed);
        var sent = new byte[64 * 1024];
        var received = new byte[64 * 1024];
        while (!stop.IsSet)
        {
            try
            {
                using var stream = await AsyncTcpStream.ConnectAsync(server);
                Interlocked.Increment(ref counters.Connections);
                int exchanges = random.Next(1, 20);
                for (int i = 0; i < exchanges && !stop.IsSet; i++)
                {
                    int size = random.Next(1, sent.Length);
                    random.NextBytes(sent.AsSpan(0, size));
                    int fault = random.Next(100);
                    await stream.WriteAllAsync(sent.AsMemory(0, size));
                    Interlocked.Add(ref counters.BytesSent, size);
                    if (fault < 3)
                    {
                        // Reset mid-stream: the server's echo task must see an error, not hang or leak.
                        stream.Linger = TimeSpan.Zero;
                        Interlocked.Increment(ref counters.Resets);
                        break;
                    }
                    if (fault < 6)
                    {
                        // Give up on a read almost at once (the reply may be on its way): the connection is dropped.
                        try
                        {
                            await Time.Timeout(stream.ReadAsync(received.AsMemory(0, 1)), TimeSpan.FromMilliseconds(random.Next(0, 2)));
                        }
                        catch (TimeoutException)
                        {
                        }
                        Interlocked.Increment(ref counters.CancelledReads);
                        break;
                    }
                    bool slow = fault < 10;
                    if (slow) Interlocked.Increment(ref counters.SlowReads);
                    int got = 0;
                    while (got < size)
                    {
                        int chunk = slow ? Math.Min(size - got, 512) : size - got;
                        int n = await stream.ReadAsync(received.AsMemory(got, chunk));
                        if (n == 0) throw new IOException("The server closed the connection early.");
                        got += n;
                        if (slow) await Time.Sleep(TimeSpan.FromMilliseconds(1));
                    }
                    if (!received.AsSpan(0, size).SequenceEqual(sent.AsSpan(0, size))) Interlocked.Increment(ref counters.Mismatches);
                    else Interlocked.Add(ref counters.BytesEchoedBack, size);
                }
            }
            catch (Exception error)
            {
                counters.Unexpected(error);
            }
        }
    }
}
