using System.Threading.Channels;
using AsyncGen.Sync;

namespace AsyncGen.Benchmarks;

/// <summary>
/// ping_pong over oneshots: request/response, the way an actor is asked something. A client sends (value, reply
/// sender) over a bounded channel of capacity 1 to a server task, which answers through that one-shot channel;
/// each round trip creates one oneshot. tokio: <c>mpsc::channel(1)</c> + <c>oneshot::channel()</c>; .NET:
/// <see cref="Channel"/> + a <see cref="TaskCompletionSource{TResult}"/> with
/// <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/> (the recommended setting: the answer wakes the
/// client instead of running it inline on the server's stack, as a oneshot does).
/// </summary>
internal static partial class OneshotPingPong
{
    /// <summary>Round trips per iteration.</summary>
    internal const int RoundTrips = 100_000;

    [PollAsync]
    private static async Future<int> Server(ChannelReceiver<(int Value, OneshotSender<int> Reply)> requests)
    {
        int served = 0;
        while (true)
        {
            var request = await requests.Receive();
            if (request.IsClosed) return served;
            request.Value.Reply.Send(request.Value.Value + 1);
            served++;
        }
    }

    [PollAsync]
    private static async Future<long> Client()
    {
        var (requests, inbox) = AsyncChannel.Bounded<(int Value, OneshotSender<int> Reply)>(1);
        var server = Executor.Spawn(Server(inbox));
        long sum = 0;
        for (int i = 0; i < RoundTrips; i++)
        {
            var (reply, answer) = Oneshot.Create<int>();
            await requests.Send((i, reply));
            sum += (await answer).Value;
        }
        requests.Close();
        await server;
        return sum;
    }

    private static async Task<long> ClientTask()
    {
        var requests = Channel.CreateBounded<(int Value, TaskCompletionSource<int> Reply)>(1);
        var server = Task.Run(async () =>
        {
            await foreach (var (value, reply) in requests.Reader.ReadAllAsync()) reply.SetResult(value + 1);
        });
        long sum = 0;
        for (int i = 0; i < RoundTrips; i++)
        {
            var reply = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            await requests.Writer.WriteAsync((i, reply));
            sum += await reply.Task;
        }
        requests.Writer.Complete();
        await server;
        return sum;
    }

    internal static long RunAsyncGen(LocalExecutor executor) => executor.BlockOn(Client());

    internal static long RunAsyncGen(WorkStealingExecutor executor) => executor.BlockOn(Client());

    internal static long RunDotNet() => Task.Run(ClientTask).GetAwaiter().GetResult();
}
