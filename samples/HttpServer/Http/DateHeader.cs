namespace AsyncGen.Samples.HttpServer.Http;

/// <summary>
/// The <c>Date</c> header line (RFC 9110 §6.6.1: an origin server with a clock MUST send it), formatted once per
/// second per thread rather than per response.
/// </summary>
/// <remarks>
/// Per thread, in place: each worker thread owns its buffer, so nothing is shared, nothing is allocated after the
/// first call, and a response never sees a line half rewritten by another thread.
/// </remarks>
internal static class DateHeader
{
    private const string Prefix = "Date: ";

    /// <summary>"Date: " + IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", 29 bytes) + CRLF.</summary>
    public const int Length = 6 + 29 + 2;

    [ThreadStatic] private static byte[]? t_line;
    [ThreadStatic] private static long t_second;

    /// <summary>The header line for the current second, CRLF included.</summary>
    public static ReadOnlySpan<byte> Current
    {
        get
        {
            var now = DateTime.UtcNow;
            long second = now.Ticks / TimeSpan.TicksPerSecond;
            var line = t_line;
            if (line is null || second != t_second)
            {
                line = t_line ??= new byte[Length];
                Format(now, line);
                t_second = second;
            }
            return line;
        }
    }

    private static void Format(DateTime now, Span<byte> line)
    {
        "Date: "u8.CopyTo(line);
        // "R": RFC 1123, which is IMF-fixdate, culture-invariant, always 29 characters.
        now.TryFormat(line[Prefix.Length..], out int written, "R");
        "\r\n"u8.CopyTo(line[(Prefix.Length + written)..]);
    }
}
