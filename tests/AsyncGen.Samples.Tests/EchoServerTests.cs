using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AsyncGen.Fallback;

namespace AsyncGen.Samples.Tests;

/// <summary>
/// samples/EchoServer, run as its own process with <c>ASYNCGEN_THROW_ON_FALLBACK=1</c>, echoes over loopback: a
/// connection handler that started on the fallback builder would throw in the accept loop and stop the server.
/// (In-process, the sample's internal methods could only be called through reflection, which is never intercepted.)
/// </summary>
[Collection(FallbackSwitchCollection.Name)]
public class EchoServerTests
{
    [Fact]
    public Task Echo_server_with_async_handlers_runs_under_the_throwing_switch() => AssertServes("EchoServer");

    [Fact]
    public Task Echo_server_with_hand_written_handlers_runs_under_the_throwing_switch() => AssertServes("EchoServer (hand-written)", "--hand-written");

    private static async Task AssertServes(string name, params string[] options)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Samples.Dotnet, [Samples.OutputOf("samples/EchoServer", "EchoServer.dll"), port.ToString(), .. options])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[FallbackMachines.ThrowOnFallbackVariable] = "1";
        using var server = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var errors = server.StandardError.ReadToEndAsync(timeout.Token);
        string? echoed = null;
        Exception? failure = null;
        try
        {
            var banner = await server.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.StartsWith("AsyncGen echo server on", banner);
            echoed = await EchoOnce(port, "hello, echo", timeout.Token);
        }
        catch (Exception error) when (error is SocketException or IOException or OperationCanceledException)
        {
            failure = error;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
        var stderr = await errors;

        Assert.True(failure is null, $"{name} did not echo: {failure}\n{stderr}");
        Assert.Equal("hello, echo", echoed);
    }

    private static async Task<string> EchoOnce(int port, string message, CancellationToken cancel)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel);
        await socket.SendAsync(Encoding.UTF8.GetBytes(message), SocketFlags.None, cancel);
        var buffer = new byte[message.Length];
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancel);
            if (n == 0) throw new IOException("The server closed the connection before echoing.");
            read += n;
        }
        return Encoding.UTF8.GetString(buffer);
    }

    /// <summary>A port the kernel just handed out (bound then released; the server binds it right after).</summary>
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
