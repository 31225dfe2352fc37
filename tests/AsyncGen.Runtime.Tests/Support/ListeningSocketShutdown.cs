using System.Runtime.InteropServices;

namespace AsyncGen.Runtime.Tests.Support;

/// <summary>shutdown(fd, SHUT_RD) on a listening socket: from then on every accept fails with EINVAL, at once.</summary>
internal static partial class ListeningSocketShutdown
{
    private const int ShutRd = 0; // SHUT_RD, sys/socket.h

    public static void Apply(int fd)
    {
        if (shutdown(fd, ShutRd) != 0) throw new InvalidOperationException($"shutdown failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int fd, int how);
}
