using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>Reading into or writing from an empty buffer on a stream completes at once with 0 bytes.</summary>
public class EmptyBufferTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="future"/> once: its result if it completed then, else null (and disposes it).</summary>
    private sealed class FirstPoll<T>(IFuture<T> future) : IFuture<T?> where T : struct
    {
        public Poll<T?> Poll(ref Context cx)
        {
            var poll = future.Poll(ref cx);
            if (poll.IsReady) return Poll<T?>.Ready(poll.Value);
            future.Dispose();
            return Poll<T?>.Ready(null);
        }

        public void Dispose() => future.Dispose();
    }

    private static async Future<(int? Read, int? Written)> EmptyReadAndWrite()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            // The peer sends nothing: a read that waited for data would not complete on its first poll.
            int? read = await new FirstPoll<int>(server.ReadAsync(Memory<byte>.Empty));
            int? readArray = await new FirstPoll<int>(server.ReadAsync(new byte[8], 3, 0));
            Assert.Equal(read, readArray);
            int? written = await new FirstPoll<int>(server.WriteAsync(ReadOnlyMemory<byte>.Empty));
            return (read, written);
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Empty_read_and_write_on_a_stream_complete_on_their_first_poll_with_zero(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal((0, 0), Executor.BlockOn(EmptyReadAndWrite(), s_limit));
    }

    private static async Future<int?> EmptyWriteWithAFullSendBuffer()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            var fill = Executor.Spawn(server.WriteAllAsync(new byte[32 << 20])); // the send buffer fills; it waits
            await new Support.SelfWakingFuture(times: 1);
            Assert.False(fill.IsCompleted);
            fill.Abort();
            return await new FirstPoll<int>(server.WriteAsync(ReadOnlyMemory<byte>.Empty));
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void An_empty_write_completes_at_once_even_when_the_send_buffer_is_full(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        Assert.Equal(0, Executor.BlockOn(EmptyWriteWithAFullSendBuffer(), s_limit));
    }
}
