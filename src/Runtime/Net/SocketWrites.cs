using System.Net.Sockets;
using AsyncGen.Reactor;

namespace AsyncGen.Net;

/// <summary>The send loop shared by <see cref="WriteFuture"/> and <see cref="WriteAllFuture"/>.</summary>
internal static class SocketWrites
{
    /// <summary>
    /// Sends once the reactor says the socket may be writable: true with the bytes sent, or false with the waker
    /// stored. Throws <see cref="SocketException"/> on errors other than EAGAIN.
    /// </summary>
    public static bool TrySend(ref IoOperation operation, IoRegistration io, ReadOnlySpan<byte> data, in Waker waker, out int sent)
    {
        while (operation.PollReady(io, waker, out var seen))
        {
            sent = operation.Socket.Socket.Send(data, SocketFlags.None, out var error);
            if (error == SocketError.Success) return true;
            if (error != SocketError.WouldBlock) throw new SocketException((int)error);
            operation.WouldBlock(seen);
        }
        sent = 0;
        return false;
    }
}
