using AsyncGen.Drivers;

namespace AsyncGen.Net;

/// <summary>
/// Which public operation an <see cref="IoOperation"/> is: its direction of the socket, the name its events carry
/// and the public method its misuse messages and frames name. One byte in the operation future instead of two
/// string references, so constructing a future per request (an echo server's loop does it twice) stores fewer
/// bytes into the task's machine and no write barriers for the names.
/// </summary>
internal enum IoOperationKind : byte
{
    /// <summary><see cref="AsyncTcpStream.ReadAsync(Memory{byte})"/>.</summary>
    Read,

    /// <summary><see cref="AsyncUdpSocket.ReceiveAsync"/>.</summary>
    Receive,

    /// <summary><see cref="AsyncUdpSocket.ReceiveFromAsync"/>.</summary>
    ReceiveFrom,

    /// <summary><see cref="AsyncTcpListener.AcceptAsync"/>.</summary>
    Accept,

    /// <summary><see cref="AsyncTcpStream.WriteAsync(ReadOnlyMemory{byte})"/>.</summary>
    Write,

    /// <summary><see cref="AsyncTcpStream.WriteAllAsync(ReadOnlyMemory{byte})"/>.</summary>
    WriteAll,

    /// <summary><see cref="AsyncUdpSocket.SendAsync"/>.</summary>
    Send,

    /// <summary><see cref="AsyncUdpSocket.SendToAsync"/>.</summary>
    SendTo,
}

internal static class IoOperationKinds
{
    /// <summary>The side of the socket the operation holds while it runs (one waker per side).</summary>
    public static Direction Direction(this IoOperationKind kind) =>
        kind <= IoOperationKind.Accept ? Drivers.Direction.Read : Drivers.Direction.Write;

    /// <summary>The operation's name in events (<see cref="Diagnostics.AsyncGenEventSource"/>): the syscall it makes.</summary>
    public static string EventName(this IoOperationKind kind) => kind switch
    {
        IoOperationKind.Read or IoOperationKind.Receive => IoOperation.Read,
        IoOperationKind.ReceiveFrom => IoOperation.ReceiveFrom,
        IoOperationKind.Accept => IoOperation.Accept,
        IoOperationKind.SendTo => IoOperation.SendTo,
        _ => IoOperation.Write,
    };

    /// <summary>The public method that started the operation, for misuse messages and async frames.</summary>
    public static string Method(this IoOperationKind kind) => kind switch
    {
        IoOperationKind.Read => "ReadAsync",
        IoOperationKind.Receive => "ReceiveAsync",
        IoOperationKind.ReceiveFrom => "ReceiveFromAsync",
        IoOperationKind.Accept => "AcceptAsync",
        IoOperationKind.Write => "WriteAsync",
        IoOperationKind.WriteAll => "WriteAllAsync",
        IoOperationKind.Send => "SendAsync",
        _ => "SendToAsync",
    };
}
