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
        ChannelSender<int> sender = AsyncChannel.Unbounded<int>().Sender;
        Channel<int> bclChannel = Channel.CreateUnbounded<int>();
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        GC.KeepAlive(sender);
        GC.KeepAlive(bclChannel);
        return semaphore.AvailablePermits + listener.LocalEndPoint.Port + (int)SocketError.Success;
    }
}
