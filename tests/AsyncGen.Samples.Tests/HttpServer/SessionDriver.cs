using AsyncGen.Samples.HttpServer.Http;

namespace AsyncGen.Samples.Tests.HttpServer;

/// <summary>
/// Plays the server's connection loop against an <see cref="HttpSession"/> without a socket: feeds input in chunks
/// of given sizes (as reads would deliver it), collects what would be sent, stops where the server would close.
/// </summary>
internal static class SessionDriver
{
    /// <summary>What the connection sent, whether it closed, and how many reads it took.</summary>
    public sealed record Outcome(byte[] Sent, bool Closed, int Reads, int BufferedBytes);

    /// <summary>Feeds <paramref name="input"/> in chunks whose sizes come from <paramref name="chunkSize"/> (capped by the free space).</summary>
    public static Outcome Run(ReadOnlySpan<byte> input, Func<int> chunkSize)
    {
        var session = new HttpSession();
        var sent = new List<byte>();
        int position = 0, reads = 0;
        while (position < input.Length && !session.ShouldClose)
        {
            var space = session.ReceiveSpace.Span;
            Assert.False(space.IsEmpty, "an open session must always have room for the next read");
            int count = Math.Min(Math.Min(Math.Max(1, chunkSize()), space.Length), input.Length - position);
            input.Slice(position, count).CopyTo(space);
            position += count;
            reads++;
            session.Received(count);
            sent.AddRange(session.Responses.Span);
            session.ResponsesSent();
        }
        return new Outcome([.. sent], session.ShouldClose, reads, session.BufferedBytes);
    }

    public static Outcome Run(ReadOnlySpan<byte> input, int chunkSize = int.MaxValue) => Run(input, () => chunkSize);
}
