using System.Net.Sockets;
using AsyncGen.Net;
using AsyncGen.Sync;

namespace AsyncGen.Samples.EchoServer;

/// <summary>The server: an accept loop that spawns one echo task per connection.</summary>
internal static partial class EchoHandlers
{
    /// <summary>How long the accept loop pauses after a failed accept: connections being served get time to finish.</summary>
    private static readonly TimeSpan s_acceptErrorPause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Accepts forever; each connection gets its own task (<paramref name="handWritten"/>: see
    /// <see cref="HandWrittenEcho"/>) and holds one of <paramref name="connections"/>' permits while it lives.
    /// </summary>
    /// <remarks>
    /// At the cap the loop waits for a connection to close before it accepts (see <see cref="ConnectionLimit"/>);
    /// clients beyond it wait in the kernel's accept queue. A failed accept does not end the server either: out of
    /// descriptors anyway (EMFILE: something else took them), the connections already being served still run, and
    /// each one that closes frees a descriptor. So log, pause, accept again. (The runtime surfaces EMFILE once per
    /// burst and then retries on its own with a growing delay; the pause also covers other errors.)
    /// </remarks>
    [PollAsync]
    public static async Future Serve(AsyncGen.Net.AsyncTcpListener listener, AsyncGen.Sync.AsyncSemaphore connections, bool handWritten)
    {
        while (true)
        {
            var permit = await connections.Acquire();
            AsyncTcpStream? stream = null;
            try
            {
                stream = await listener.AcceptAsync();
            }
            catch (SocketException error)
            {
                // Stdout, already open: .NET opens stderr lazily by duplicating fd 2, which needs the descriptor we lack.
                Console.WriteLine($"accept failed ({error.SocketErrorCode}: {error.Message}); still serving, accepting again shortly");
            }
            if (stream is null)
            {
                permit.Dispose();
                await Time.Sleep(s_acceptErrorPause);
                continue;
            }
            stream.NoDelay = true; // echo requests are small and latency-bound
            // Detached: the task owns the connection and its permit.
            _ = handWritten ? Executor.Spawn(new HandWrittenEcho(stream, permit)) : Executor.Spawn(Echo(stream, permit));
        }
    }

    /// <summary>Writes back everything it reads, until the peer closes or resets the connection; then frees its permit.</summary>
    [PollAsync]
    public static async Future Echo(AsyncTcpStream stream, SemaphorePermit permit)
    {
        using (permit)
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
