using System.Net.Sockets;
using AsyncGen.Net;
using AsyncGen.Samples.HttpServer.Http;

namespace AsyncGen.Samples.HttpServer;

/// <summary>The server: an accept loop that spawns one task per connection, each running an <see cref="HttpSession"/>.</summary>
internal static partial class HttpHandlers
{
    /// <summary>How long the accept loop pauses after a failed accept (EMFILE…): connections being served get time to finish.</summary>
    private static readonly TimeSpan s_acceptErrorPause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a closing connection waits for the client to close its side: 1 s, enough for a client on any
    /// network to read the final response; the bound keeps a silent client from holding the task.
    /// </summary>
    private static readonly TimeSpan s_lingerTime = TimeSpan.FromSeconds(1);

    /// <summary>Accepts forever; each connection gets its own task.</summary>
    [PollAsync]
    public static async Future Serve(AsyncTcpListener listener)
    {
        while (true)
        {
            AsyncTcpStream? stream = null;
            try
            {
                stream = await listener.AcceptAsync();
            }
            catch (SocketException error)
            {
                Console.WriteLine($"accept failed ({error.SocketErrorCode}: {error.Message}); still serving, accepting again shortly");
            }
            if (stream is null)
            {
                await Time.Sleep(s_acceptErrorPause);
                continue;
            }
            stream.NoDelay = true; // responses are small and the client waits for them
            _ = Executor.Spawn(ServeConnection(stream)); // detached: the task owns the connection
        }
    }

    /// <summary>
    /// One connection: read whatever arrived, answer every complete request in it with one write (pipelining), until
    /// the client closes or a response ends the connection.
    /// </summary>
    [PollAsync]
    public static async Future ServeConnection(AsyncTcpStream stream)
    {
        using (stream)
        {
            var session = new HttpSession();
            try
            {
                while (!session.ShouldClose)
                {
                    int received = await stream.ReadAsync(session.ReceiveSpace);
                    if (received == 0) return; // the client closed
                    session.Received(received);
                    if (session.Responses.Length > 0)
                    {
                        await stream.WriteAllAsync(session.Responses);
                        session.ResponsesSent();
                    }
                }
                await LingerBeforeClose(stream);
            }
            catch (SocketException)
            {
                // The client reset the connection: this one is done, the server goes on.
            }
        }
    }

    /// <summary>
    /// Ends a connection the server closes (an error response, <c>Connection: close</c>) without losing the last
    /// response: closing a socket with unread bytes sends RST, which may discard the response before the client
    /// reads it (RFC 9112 §9.6). So shut down sending, then discard what the client still sends until it closes —
    /// at most <see cref="s_lingerTime"/>.
    /// </summary>
    [PollAsync]
    private static async Future LingerBeforeClose(AsyncTcpStream stream)
    {
        stream.Shutdown(SocketShutdown.Send);
        var discard = new byte[4096];
        try
        {
            while (await Time.Timeout(stream.ReadAsync(discard), s_lingerTime) > 0)
            {
            }
        }
        catch (TimeoutException)
        {
            // The client kept the connection open: close it anyway.
        }
    }
}
