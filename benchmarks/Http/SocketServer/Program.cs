// The http_plaintext baseline without a framework (benchmarks/Http/run.sh): .NET's Socket.ReceiveAsync/SendAsync on
// the thread pool, around samples/HttpServer's own parser and endpoints (HttpSession): every complete request in a
// read is answered, all responses go out in one send (pipelining), keep-alive.
//
//   dotnet run -c Release --project benchmarks/Http/SocketServer -- [--port N]
using System.Net;
using System.Net.Sockets;
using AsyncGen.Samples.HttpServer.Http;

int port = 8082;
if (args.Length == 2 && args[0] == "--port" && int.TryParse(args[1], out int parsed)) port = parsed;
else if (args.Length != 0)
{
    Console.Error.WriteLine("usage: SocketServer [--port N]");
    return 2;
}

using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
listener.Listen(1024); // the same backlog as AsyncGen's AsyncTcpListener default
Console.WriteLine($".NET Socket HTTP server on http://{listener.LocalEndPoint}");
while (true)
{
    var connection = await listener.AcceptAsync();
    connection.NoDelay = true;
    _ = Serve(connection);
}

static async Task Serve(Socket connection)
{
    using (connection)
    {
        var session = new HttpSession();
        try
        {
            while (!session.ShouldClose)
            {
                int received = await connection.ReceiveAsync(session.ReceiveSpace, SocketFlags.None);
                if (received == 0) return;
                session.Received(received);
                for (var pending = session.Responses; !pending.IsEmpty;)
                    pending = pending[await connection.SendAsync(pending, SocketFlags.None)..];
                session.ResponsesSent();
            }
            connection.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The client reset the connection.
        }
    }
}
