using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using AsyncGen;
using AsyncGen.Net;
using AsyncGen.Sync;

// Locals of the renamed types that live across an await become fields of the generated struct, so the generated
// file names them too (the original clash was reported twice: here and in the generated file).
public static partial class NamesInGeneratedCode
{
    [PollAsync]
    public static async Future<int> Run(AsyncSemaphore semaphore)
    {
        using SemaphorePermit permit = await semaphore.Acquire();
        using AsyncTcpListener listener = AsyncTcpListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return semaphore.AvailablePermits + listener.LocalEndPoint.Port + (sender is null || receiver is null ? 1 : 0)
            + (SocketError.Success == 0 ? 0 : 1) + (Channel.CreateUnbounded<int>() is null ? 1 : 0);
    }
}
