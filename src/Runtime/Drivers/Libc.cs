using System.Runtime.InteropServices;

namespace AsyncGen.Drivers;

/// <summary>The Linux system calls of the reactor, through <c>LibraryImport</c> (source-generated, no runtime marshalling).</summary>
/// <remarks>
/// Constants come from the kernel's uapi headers (<c>linux/eventpoll.h</c>, <c>asm-generic/fcntl.h</c>,
/// <c>asm-generic/errno-base.h</c>); the values used here are the same on x86-64 and arm64. File descriptors are
/// passed as plain ints: callers hold them alive through <see cref="SafeHandle.DangerousAddRef"/>.
/// </remarks>
internal static unsafe partial class Libc
{
    // CoreCLR resolves "libc" to the C library of the platform (libc.so.6 with glibc).
    private const string Library = "libc";

    public const int EPOLL_CLOEXEC = 0x80000;   // = O_CLOEXEC (02000000 octal)
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLPRI = 0x002;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;

    public const int EFD_NONBLOCK = 0x800;      // = O_NONBLOCK (04000 octal)
    public const int EFD_CLOEXEC = 0x80000;     // = O_CLOEXEC

    public const int EINTR = 4;
    public const int EAGAIN = 11;

    [LibraryImport(Library, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* evt);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeoutMs);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int eventfd(uint initialValue, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint read(int fd, void* buffer, nuint count);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint write(int fd, void* buffer, nuint count);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int close(int fd);

    public const int SHUT_WR = 1;               // sys/socket.h
    public const int MSG_NOSIGNAL = 0x4000;     // sys/socket.h: EPIPE instead of SIGPIPE

    // recv and send: no SetLastError. Its stub clears errno before the call and copies it to the P/Invoke error
    // after every call: two more calls into the runtime's native shim (each a TLS lookup) per request on the echo
    // hot path. Callers read errno with Marshal.GetLastSystemError right after a call that returned -1, as that stub
    // does (the runtime preserves errno across the return transition).
    [LibraryImport(Library)]
    public static partial nint recv(int fd, void* buffer, nuint length, int flags);

    [LibraryImport(Library)]
    public static partial nint send(int fd, void* buffer, nuint length, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int shutdown(int fd, int how);

    /// <summary>The <c>errno</c> of the last call above, as a <see cref="System.ComponentModel.Win32Exception"/>-ready code.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();
}
