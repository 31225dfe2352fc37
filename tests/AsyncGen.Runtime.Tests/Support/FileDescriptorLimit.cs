using System.Runtime.InteropServices;

namespace AsyncGen.Runtime.Tests.Support;

/// <summary>
/// Lowers this process's RLIMIT_NOFILE so that no new descriptor can be created, until disposed. Only for tests in
/// the serial collection: the limit is process-wide.
/// </summary>
internal sealed partial class FileDescriptorLimit : IDisposable
{
    private const int RlimitNofile = 7; // RLIMIT_NOFILE, asm-generic/resource.h (x86-64 and arm64)

    private readonly Limit _saved;

    [StructLayout(LayoutKind.Sequential)]
    private struct Limit
    {
        public ulong Current;
        public ulong Maximum;
    }

    private FileDescriptorLimit(ulong soft)
    {
        if (getrlimit(RlimitNofile, out _saved) != 0) throw new InvalidOperationException($"getrlimit failed: {Marshal.GetLastPInvokeError()}");
        var lowered = new Limit { Current = soft, Maximum = _saved.Maximum };
        if (setrlimit(RlimitNofile, in lowered) != 0) throw new InvalidOperationException($"setrlimit failed: {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// Sets the soft limit to the lowest free descriptor number, so the next socket, accept or open fails with EMFILE
    /// until a descriptor below it is closed.
    /// </summary>
    public static FileDescriptorLimit Exhausted()
    {
        int lowest = LowestFreeDescriptor();
        return new FileDescriptorLimit((ulong)lowest);
    }

    /// <summary>
    /// Sets the soft limit to <paramref name="descriptor"/> until disposed (which restores the limit in force before):
    /// descriptors from that number up that are closed meanwhile only become usable again at the restore, all at once.
    /// </summary>
    public static FileDescriptorLimit Below(int descriptor) => new((ulong)descriptor);

    private static int LowestFreeDescriptor()
    {
        // A new descriptor always gets the lowest free number.
        using var probe = File.OpenHandle("/dev/null");
        return (int)probe.DangerousGetHandle();
    }

    public void Dispose() => setrlimit(RlimitNofile, in _saved);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out Limit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in Limit limit);
}
