// The tcp_echo baseline: a TCP echo server on 127.0.0.1 written the idiomatic .NET way (Socket + async/await on
// the thread pool), to run side by side with samples/EchoServer under the same load generator.
//
//   dotnet run -c Release --project benchmarks/TcpEcho/DotNetEchoServer -- [port]
using System.Net;
using System.Net.Sockets;

int port = args.Length > 0 && int.TryParse(args[0], out int p) ? p : 18081;
using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
listener.Listen(1024); // the same backlog as AsyncGen's AsyncTcpListener default
Console.WriteLine($".NET Socket-async echo server on {listener.LocalEndPoint}");
while (true)
{
    var connection = await listener.AcceptAsync();
    connection.NoDelay = true;
    _ = Echo(connection);
}

static async Task Echo(Socket connection)
{
    using (connection)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = await connection.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0) return;
                for (int sent = 0; sent < n;) sent += await connection.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None);
            }
        }
        catch (SocketException)
        {
            // The client reset the connection.
        }
    }
}
