using AsyncGen.Diagnostics;

namespace AsyncGen.Net;

/// <summary>What every socket operation future reports to <see cref="AsyncGenEventSource"/>, in one place.</summary>
internal static class IoOperation
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Accept = "accept";
    public const string Connect = "connect";
    public const string ReceiveFrom = "recvfrom";
    public const string SendTo = "sendto";

    public static void Polled(string operation, int fd, int poll)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.OperationPolled(operation, fd, poll);
    }

    public static void WouldBlock(string operation, int fd)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.WouldBlock(operation, fd);
    }

    public static void Pending(string operation, int fd)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.OperationPending(operation, fd);
    }

    public static void Ready(string operation, int fd, int polls, int result)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.OperationReady(operation, fd, polls, result);
    }

    public static InvalidOperationException PolledAfterReady(string operation) =>
        new($"The {operation} future was polled after it completed (or was disposed).");
}
