// TCP echo server on 127.0.0.1, used by the tcp_echo benchmark (benchmarks/TcpEcho).
//
//   dotnet run -c Release --project samples/EchoServer -- [port] [--workers N] [--hand-written]
//
// port: default 18080. --workers N: a WorkStealingExecutor with N workers instead of one LocalExecutor thread.
// --hand-written: connections run HandWrittenEcho (an explicit state machine) instead of the async method.
// ASYNCGEN_ECHO_STATS=1: each SIGHUP prints the runtime's counters on one line (RuntimeStats).
// The seed's section 6 (one AsyncTcpStream read traced on loopback) is in the Tour: dotnet run --project samples/Tour
using System.Net;
using AsyncGen;
using AsyncGen.Net;
using AsyncGen.Samples.EchoServer;

int port = 18080, workers = 0;
bool handWritten = false;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--hand-written")
    {
        handWritten = true;
        continue;
    }
    if (args[i] == "--workers" && i + 1 < args.Length && int.TryParse(args[++i], out workers) && workers > 0) continue;
    if (int.TryParse(args[i], out port) && port is > 0 and < 65536) continue;
    Console.Error.WriteLine("usage: EchoServer [port] [--workers N] [--hand-written]");
    return 2;
}

RuntimeStats.InstallIfRequested();
using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, port));
int maxConnections = ConnectionLimit.FromDescriptorLimit();
var connections = new AsyncGen.Sync.AsyncSemaphore(maxConnections);
Console.WriteLine($"AsyncGen echo server on {listener.LocalEndPoint} ({(workers > 0 ? $"{workers} work-stealing workers" : "one LocalExecutor thread")}, up to {maxConnections} connections)");
if (workers > 0)
{
    using var executor = new WorkStealingExecutor(workers);
    executor.BlockOn(EchoHandlers.Serve(listener, connections, handWritten));
}
else
{
    Executor.BlockOn(EchoHandlers.Serve(listener, connections, handWritten));
}
return 0;
