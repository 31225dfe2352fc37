using System.Runtime.InteropServices;

namespace AsyncGen.Drivers;

/// <summary>Owns one Linux file descriptor (the epoll instance, the eventfd) and closes it exactly once.</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle(int fd) : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle < 0;

    /// <summary>The descriptor; callers keep it alive with <see cref="SafeHandle.DangerousAddRef"/> while they use it.</summary>
    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Libc.close((int)handle) == 0;
}
