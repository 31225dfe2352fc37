using System.Net;
using AsyncGen.Net;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>Helpers shared by the socket tests: a loopback listener and connected pairs.</summary>
internal static class Loopback
{
    public static IPEndPoint AnyPort => new(IPAddress.Loopback, 0);

    public static AsyncTcpListener Listen(int backlog = AsyncTcpListener.DefaultBacklog) => AsyncTcpListener.Bind(AnyPort, backlog);

    /// <summary>A connected (client, server) pair on <paramref name="listener"/>.</summary>
    public static async Future<(AsyncTcpStream Client, AsyncTcpStream Server)> Pair(AsyncTcpListener listener)
    {
        var client = await AsyncTcpStream.ConnectAsync(listener.LocalEndPoint);
        var server = await listener.AcceptAsync();
        return (client, server);
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes, or fewer at end of stream; returns the count.</summary>
    public static async Future<int> ReadFull(AsyncTcpStream stream, Memory<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>
    /// The entries of /proc/self/fd that are not files on disk: sockets, epoll instances, eventfds, pipes, i.e.
    /// everything the runtime's I/O could leak. Files are left out because .NET maps framework assemblies lazily
    /// (the first use of a type from another assembly adds one), which is not a leak.
    /// </summary>
    public static string[] OpenDescriptors()
    {
        // Sockets that other tests dropped without disposing are closed by finalizers at a time the GC picks:
        // close them now, so only this test's descriptors can differ between two snapshots.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // A descriptor whose link is gone by the time it is read was closed while listing (another test class
        // reading a file, e.g. a Roslyn compilation's references): not a leak, and not this test's.
        return Directory.GetFiles("/proc/self/fd")
            .Select(fd => (Fd: Path.GetFileName(fd), Target: new FileInfo(fd).LinkTarget))
            .Where(entry => entry.Target is not null && !entry.Target.StartsWith('/'))
            .Select(entry => $"{entry.Fd} -> {entry.Target}")
            .Order()
            .ToArray();
    }
}
