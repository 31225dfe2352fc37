// Minimal HTTP/1.1 server for TechEmpower's "plaintext" and "json" tests (benchmarks/Http), on 127.0.0.1.
//
//   dotnet run -c Release --project samples/HttpServer -- [--port N] [--workers N]
//
// --port: default 8080. --workers N: a WorkStealingExecutor with N workers instead of one LocalExecutor thread.
// The I/O driver: ASYNCGEN_DRIVER=epoll|io_uring|portable, else the best this system has (printed in the banner).
// GET /plaintext → "Hello, World!" (text/plain); GET /json → {"message":"Hello, World!"}; keep-alive, pipelining.
using System.Net;
using AsyncGen;
using AsyncGen.Net;
using AsyncGen.Samples.HttpServer;

int port = 8080, workers = 0;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--port" && i + 1 < args.Length && int.TryParse(args[++i], out port) && port is > 0 and < 65536) continue;
    if (args[i] == "--workers" && i + 1 < args.Length && int.TryParse(args[++i], out workers) && workers > 0) continue;
    Console.Error.WriteLine("usage: HttpServer [--port N] [--workers N]");
    return 2;
}

using var listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, port));
if (workers > 0)
{
    using var executor = new WorkStealingExecutor(workers);
    Console.WriteLine($"AsyncGen HTTP server on http://{listener.LocalEndPoint} ({workers} work-stealing workers, driver {executor.IoDriver})");
    executor.BlockOn(HttpHandlers.Serve(listener));
}
else
{
    using var executor = new LocalExecutor();
    Console.WriteLine($"AsyncGen HTTP server on http://{listener.LocalEndPoint} (one LocalExecutor thread, driver {executor.IoDriver})");
    executor.BlockOn(HttpHandlers.Serve(listener));
}
return 0;
