namespace AsyncGen.Samples.EchoServer;

/// <summary>
/// How many connections the server may hold open: what the process's descriptor limit (RLIMIT_NOFILE) leaves after
/// the descriptors already open and a reserve for the .NET runtime itself.
/// </summary>
/// <remarks>
/// Why a cap rather than accepting until accept fails with EMFILE: at the limit, it is not only accept that fails.
/// The .NET runtime opens files on its own — the GC reads <c>/proc/self/status</c> and cgroup files, assembly loads
/// open the assembly — and a GC that cannot open its file ends the process with "Out of memory.". So the accept loop
/// waits for a permit (as tokio's mini-redis does with <c>MAX_CONNECTIONS</c>), the kernel queues the clients
/// beyond the cap, and each connection that closes lets the next one in.
/// </remarks>
internal static class ConnectionLimit
{
    /// <summary>Descriptors kept free for the runtime: 32, several times what the GC and a late assembly load open at once.</summary>
    private const int RuntimeReserve = 32;

    /// <summary>The cap from the current limits; at least 1.</summary>
    public static int FromDescriptorLimit()
    {
        long limit = SoftOpenFilesLimit();
        long open = Directory.GetFiles("/proc/self/fd").Length;
        return (int)Math.Clamp(limit - open - RuntimeReserve, 1, int.MaxValue);
    }

    /// <summary>The "Max open files" soft limit from /proc/self/limits (no P/Invoke needed); unlimited when absent.</summary>
    private static long SoftOpenFilesLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.TryParse(fields[0], out long soft) ? soft : int.MaxValue;
        }
        return int.MaxValue;
    }
}
