using System.Text;

namespace AsyncGen.Samples.Tests.HttpServer;

/// <summary>One response as a client reads it, checked strictly: what the tests compare against.</summary>
internal sealed record HttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>True when the response says the server closes the connection after it.</summary>
    public bool Closes => string.Equals(Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Every whole response in <paramref name="bytes"/>, in order; <paramref name="rest"/> is the length of an
    /// unfinished one at the end. Fails (throws) on anything that is not a well-formed HTTP/1.1 response with
    /// Server, Date and Content-Length, or whose body is shorter than its Content-Length says once the stream ended.
    /// </summary>
    /// <param name="headOnly">Indexes (in order) of responses to HEAD requests: they carry Content-Length but no body.</param>
    public static List<HttpResponse> ParseAll(ReadOnlySpan<byte> bytes, out int rest, ISet<int>? headOnly = null)
    {
        var responses = new List<HttpResponse>();
        int position = 0;
        while (position < bytes.Length)
        {
            var remaining = bytes[position..];
            int headEnd = remaining.IndexOf("\r\n\r\n"u8);
            if (headEnd < 0) break;
            var lines = Encoding.ASCII.GetString(remaining[..headEnd]).Split("\r\n");
            var statusLine = lines[0];
            if (!statusLine.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || statusLine.Length < 12 || !int.TryParse(statusLine.AsSpan(9, 3), out int status))
                throw new FormatException($"Not an HTTP/1.1 status line: '{statusLine}'");
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                int colon = line.IndexOf(':');
                if (colon <= 0) throw new FormatException($"Not a header field: '{line}'");
                if (!headers.TryAdd(line[..colon], line[(colon + 1)..].Trim())) throw new FormatException($"Field sent twice: '{line}'");
            }
            foreach (var required in new[] { "Server", "Date", "Content-Length" })
                if (!headers.ContainsKey(required)) throw new FormatException($"No {required} field in '{statusLine}'");
            if (!DateTime.TryParseExact(headers["Date"], "R", null, System.Globalization.DateTimeStyles.None, out _))
                throw new FormatException($"Date is not an IMF-fixdate: '{headers["Date"]}'");
            int length = int.Parse(headers["Content-Length"]);
            if (headOnly?.Contains(responses.Count) == true) length = 0;
            int bodyStart = headEnd + 4;
            if (remaining.Length - bodyStart < length) break;
            responses.Add(new HttpResponse(status, headers, Encoding.UTF8.GetString(remaining.Slice(bodyStart, length))));
            position += bodyStart + length;
        }
        rest = bytes.Length - position;
        return responses;
    }

    /// <summary>All of <paramref name="bytes"/> as whole responses (nothing left over).</summary>
    public static List<HttpResponse> ParseExactly(ReadOnlySpan<byte> bytes, ISet<int>? headOnly = null)
    {
        var responses = ParseAll(bytes, out int rest, headOnly);
        if (rest != 0) throw new FormatException($"{rest} bytes after the last whole response: '{Encoding.ASCII.GetString(bytes[^rest..])}'");
        return responses;
    }
}
