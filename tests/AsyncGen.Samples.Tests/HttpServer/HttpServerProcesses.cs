using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Fallback;

namespace AsyncGen.Samples.Tests.HttpServer;

/// <summary>
/// samples/HttpServer running as its own process, one per I/O driver (<c>ASYNCGEN_DRIVER</c>), under
/// <c>ASYNCGEN_THROW_ON_FALLBACK=1</c>: a connection handler that started on the fallback builder would throw in the
/// accept loop and stop the server. Started on first use, killed when the test class is done.
/// </summary>
public sealed class HttpServerProcesses : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Server>> _servers = new();

    /// <summary>A running server on <paramref name="driver"/> (epoll, io_uring, portable).</summary>
    public Server On(string driver) => _servers.GetOrAdd(driver, d => new Lazy<Server>(() => Server.Start(d))).Value;

    public void Dispose()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated)) server.Value.Dispose();
    }

    public sealed class Server : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _errors;

        private Server(Process process, int port, string banner)
        {
            _process = process;
            Port = port;
            Banner = banner;
            _errors = process.StandardError.ReadToEndAsync();
        }

        public int Port { get; }

        /// <summary>The first line the server printed (it names the driver it runs on).</summary>
        public string Banner { get; }

        public bool HasExited => _process.HasExited;

        public static Server Start(string driver)
        {
            var port = FreePort();
            var start = new ProcessStartInfo(Samples.Dotnet, [Samples.OutputOf("samples/HttpServer", "HttpServer.dll"), "--port", port.ToString()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment[FallbackMachines.ThrowOnFallbackVariable] = "1";
            start.Environment["ASYNCGEN_DRIVER"] = driver;
            var process = Process.Start(start)!;
            var banner = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1)).GetAwaiter().GetResult() ?? "";
            _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
            return new Server(process, port, banner);
        }

        /// <summary>What the server wrote to stderr (after it is killed): shown when a test fails.</summary>
        public string Errors => _errors.IsCompleted ? _errors.Result : "(still running)";

        /// <summary>
        /// Opens a connection, sends <paramref name="request"/>, optionally shuts down the sending side, and reads
        /// until <paramref name="enough"/> says the bytes so far suffice, or the server closes (returns true then).
        /// A server that neither answers nor closes within the limit fails the test rather than hanging it.
        /// </summary>
        public async Task<(byte[] Received, bool Closed)> Exchange(byte[] request, bool shutdownSend, Func<byte[], bool>? enough = null)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), cancel.Token);
            await socket.SendAsync(request, SocketFlags.None, cancel.Token);
            if (shutdownSend) socket.Shutdown(SocketShutdown.Send);
            var received = new List<byte>();
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                    if (n == 0) return ([.. received], true);
                    received.AddRange(buffer.AsSpan(0, n));
                    if (enough is not null && enough([.. received])) return ([.. received], false);
                }
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"The server on {Banner} neither answered nor closed within 30 s; received so far: {System.Text.Encoding.ASCII.GetString([.. received])}");
            }
        }

        public void Dispose()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
            _process.WaitForExit();
            _process.Dispose();
        }

        /// <summary>A port the kernel just handed out (bound then released; the server binds it right after).</summary>
        private static int FreePort()
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
    }
}
