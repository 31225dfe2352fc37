namespace AsyncGen.Soak;

/// <summary>Open descriptors and resident memory of this process, from /proc.</summary>
internal static class ProcessStats
{
    /// <summary>Open descriptors that are not files (sockets, epoll, eventfd, pipes): what the runtime could leak.</summary>
    public static int NonFileDescriptors() => NonFileDescriptorTargets().Length;

    /// <summary>Their targets (<c>socket:[…]</c>, <c>anon_inode:[eventpoll]</c>, …), to name a leak.</summary>
    public static string[] NonFileDescriptorTargets() =>
        Directory.GetFiles("/proc/self/fd")
            .Select(fd => new FileInfo(fd).LinkTarget ?? "?")
            .Where(target => !target.StartsWith('/'))
            .ToArray();

    /// <summary>Resident set size in MiB (VmRSS).</summary>
    public static double RssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        return double.NaN;
    }
}
