using System.Net.Sockets;
using AsyncGen.Net;

namespace AsyncGen.Samples.EchoServer;

/// <summary>The server: an accept loop that spawns one echo task per connection.</summary>
internal static partial class EchoHandlers
{
    /// <summary>Accepts forever; each connection gets its own task (<paramref name="handWritten"/>: see <see cref="HandWrittenEcho"/>).</summary>
    [PollAsync]
    public static async Future Serve(AsyncGen.Net.AsyncTcpListener listener, bool handWritten)
    {
        while (true)
        {
            var stream = await listener.AcceptAsync();
            stream.NoDelay = true; // echo requests are small and latency-bound
            // Detached: the task owns the connection.
            _ = handWritten ? Executor.Spawn(new HandWrittenEcho(stream)) : Executor.Spawn(Echo(stream));
        }
    }

    /// <summary>Writes back everything it reads, until the peer closes or resets the connection.</summary>
    [PollAsync]
    public static async Future Echo(AsyncTcpStream stream)
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
                // The client went away (reset): this connection is done, the server goes on.
            }
        }
    }
}
