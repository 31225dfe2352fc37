using System.Net.Sockets;

namespace AsyncGen.Drivers;

/// <summary>
/// Translates an errno (of a CQE, negated, or of the epoll driver's own recv/send) into the <see cref="SocketError"/>
/// that .NET reports for the same error from its syscall, so a socket fails the same way on every driver (values from <c>asm-generic/errno.h</c>; the
/// mapping follows .NET's <c>SocketErrorPal.Unix</c>).
/// </summary>
internal static class Errno
{
    public static SocketException ToSocketException(int errno) => new((int)ToSocketError(errno));

    public static SocketError ToSocketError(int errno) => errno switch
    {
        11 => SocketError.WouldBlock,              // EAGAIN
        13 => SocketError.AccessDenied,            // EACCES
        22 => SocketError.InvalidArgument,         // EINVAL
        23 or 24 => SocketError.TooManyOpenSockets, // ENFILE, EMFILE
        32 => SocketError.Shutdown,                // EPIPE
        100 => SocketError.NetworkDown,            // ENETDOWN
        101 => SocketError.NetworkUnreachable,     // ENETUNREACH
        103 => SocketError.ConnectionAborted,      // ECONNABORTED
        104 => SocketError.ConnectionReset,        // ECONNRESET
        12 or 105 => SocketError.NoBufferSpaceAvailable, // ENOMEM, ENOBUFS
        107 => SocketError.NotConnected,           // ENOTCONN
        110 => SocketError.TimedOut,               // ETIMEDOUT
        111 => SocketError.ConnectionRefused,      // ECONNREFUSED
        113 => SocketError.HostUnreachable,        // EHOSTUNREACH
        125 => SocketError.OperationAborted,       // ECANCELED
        _ => SocketError.SocketError,
    };
}
