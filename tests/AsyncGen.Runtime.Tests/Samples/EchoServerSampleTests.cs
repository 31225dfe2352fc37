using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Samples;

/// <summary>
/// samples/EchoServer, the pattern users copy, run as a process under a low RLIMIT_NOFILE with more clients than it
/// has descriptors: it must stay alive, keep serving the connections it has, and serve the waiting ones once those
/// leave.
/// </summary>
public class EchoServerSampleTests
{
    /// <summary>The server's descriptor limit: the runtime's own (~60 after start-up) plus a reserve and a few connections.</summary>
    private const int DescriptorLimit = 100;

    /// <summary>More clients than the server can hold descriptors for, let alone accept at once.</summary>
    private const int Clients = 150;

    private static readonly TimeSpan s_echoWait = TimeSpan.FromSeconds(30);

    [Theory, ClassData(typeof(EveryDriver))]
    public void Out_of_descriptors_the_sample_keeps_serving_and_serves_the_waiting_clients_once_others_leave(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        int port = FreePort();
        var output = new List<string>();
        using var server = Start(port, output);
        var clients = new List<Socket>();
        try
        {
            WaitFor(() => Lines(output).Any(line => line.StartsWith("AsyncGen echo server on", StringComparison.Ordinal)), server);

            // One round trip first, so the server has loaded everything it needs before descriptors run out.
            using (var warm = Connect(port))
            {
                warm.Send("x"u8);
                Assert.True(Echoes(warm, s_echoWait));
            }

            for (int i = 0; i < Clients; i++)
            {
                var client = Connect(port); // completes in the kernel's accept queue whether or not it is accepted
                client.Send("x"u8);
                clients.Add(client);
            }
            // The first clients are served; the others wait in the kernel's queue.
            Assert.True(Echoes(clients[0], s_echoWait));
            Assert.False(Echoes(clients[^1], TimeSpan.FromMilliseconds(200)), "the last client was served: the limit did not bite");
            Assert.False(server.HasExited);

            // Clients leave one by one, oldest first; each one leaving frees a descriptor for a waiting one.
            clients[0].Dispose(); // its echo came back above
            int served = 1;
            foreach (var client in clients.Skip(1))
            {
                Assert.True(Echoes(client, s_echoWait), $"client {served} was never served; server output:\n{string.Join('\n', Lines(output))}");
                client.Dispose();
                served++;
            }
            Assert.Equal(Clients, served);
            Assert.False(server.HasExited);
            using (var late = Connect(port))
            {
                late.Send("x"u8);
                Assert.True(Echoes(late, s_echoWait)); // and new clients still are
            }
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
            if (!server.HasExited) server.Kill();
            server.WaitForExit();
        }
    }

    private static Process Start(int port, List<string> output)
    {
        string dll = Path.Combine(Metadata("AsyncGenRoot"), "samples", "EchoServer", "bin", Metadata("Configuration"), "net10.0", "EchoServer.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        // ulimit through sh: no tool beyond a POSIX shell is needed.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"ulimit -n {DescriptorLimit} && exec \"$0\" \"$1\" \"$2\"");
        start.ArgumentList.Add(dotnet);
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(port.ToString());
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => { if (line.Data is { } text) lock (output) output.Add(text); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is { } text) lock (output) output.Add("stderr: " + text); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string[] Lines(List<string> output)
    {
        lock (output) return output.ToArray();
    }

    private static void WaitFor(Func<bool> condition, Process server)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(server.HasExited, $"the server exited with {(server.HasExited ? server.ExitCode : 0)}");
            Assert.True(clock.Elapsed < s_echoWait, "the server did not get there in time");
            Thread.Sleep(20);
        }
    }

    private static Socket Connect(int port)
    {
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }

    /// <summary>Sends nothing more; true once the client's "x" came back within <paramref name="wait"/>.</summary>
    private static bool Echoes(Socket client, TimeSpan wait)
    {
        if (client.Available == 0 && !client.Poll(wait, SelectMode.SelectRead)) return false;
        var buffer = new byte[1];
        return client.Receive(buffer) == 1 && buffer[0] == (byte)'x';
    }

    private static int FreePort()
    {
        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static string Metadata(string key) =>
        typeof(EchoServerSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
