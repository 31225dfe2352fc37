using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace AsyncGen.Samples.HttpServer.Http;

/// <summary>
/// Parses one HTTP/1.1 request head (RFC 9112 §2–§6) from the start of a buffer, without allocating: the request
/// line, the header fields, the empty line. Strict where leniency invites request smuggling: CRLF line endings only,
/// no whitespace before a field's colon, no obsolete line folding, no control characters, one Host field on HTTP/1.1,
/// one Content-Length value, Transfer-Encoding refused (501: this server reads no chunked bodies).
/// </summary>
/// <remarks>
/// Stateless: an incomplete head is parsed again from its start once more bytes have arrived (heads are at most
/// <see cref="MaxHeadBytes"/>, so the rescan is bounded), which is what lets the tests split a request at every byte.
/// </remarks>
internal static class HttpRequestParser
{
    /// <summary>
    /// The largest request head accepted (request line + fields + empty line): 8 KiB, the limit of nginx's
    /// <c>large_client_header_buffers</c> default and of Apache's <c>LimitRequestLine</c>; larger → 431.
    /// </summary>
    public const int MaxHeadBytes = 8 * 1024;

    /// <summary>The most header fields accepted: 100, Apache's <c>LimitRequestFields</c> default; more → 431.</summary>
    public const int MaxHeaderFields = 100;

    /// <summary>tchar (RFC 9110 §5.6.2): the characters of a method and of a field name.</summary>
    private static readonly SearchValues<byte> s_tokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>A request target: visible ASCII (RFC 9112 §3.2; no spaces, no controls, no obs-text).</summary>
    private static readonly SearchValues<byte> s_targetChars = SearchValues.Create(Range(0x21, 0x7E));

    /// <summary>field-value (RFC 9110 §5.5): VCHAR, SP, HTAB and obs-text; never NUL, CR, LF or other controls.</summary>
    private static readonly SearchValues<byte> s_fieldValueChars = SearchValues.Create([(byte)'\t', .. Range(0x20, 0x7E), .. Range(0x80, 0xFF)]);

    /// <summary>
    /// Parses the head at the start of <paramref name="buffer"/>. On <see cref="ParseStatus.Complete"/>,
    /// <paramref name="consumed"/> is its length (the body, if any, follows); on <see cref="ParseStatus.Invalid"/>,
    /// <paramref name="head"/>'s <see cref="RequestHead.ErrorStatus"/> says which error to answer with.
    /// </summary>
    public static ParseStatus Parse(ReadOnlySpan<byte> buffer, out RequestHead head, out int consumed)
    {
        head = default;
        consumed = 0;
        int lineEnd = FindLineEnd(buffer);
        if (lineEnd == NoLineYet) return Unfinished(buffer, ref head);
        if (lineEnd <= 0) return Invalid(ref head, 400); // a bare LF, or an empty line where the request line belongs
        if (!ParseRequestLine(buffer[..lineEnd], ref head)) return ParseStatus.Invalid;

        int position = lineEnd + 2;
        int fields = 0, hosts = 0;
        bool sawContentLength = false, close = false, keepAlive = false;
        while (true)
        {
            if (position > MaxHeadBytes) return Invalid(ref head, 431);
            var rest = buffer[position..];
            lineEnd = FindLineEnd(rest);
            if (lineEnd == NoLineYet) return Unfinished(buffer, ref head);
            if (lineEnd == BareLineFeed) return Invalid(ref head, 400);
            if (lineEnd == 0)
            {
                position += 2;
                break; // the empty line: the head is complete
            }
            if (++fields > MaxHeaderFields) return Invalid(ref head, 431);
            var line = rest[..lineEnd];
            position += lineEnd + 2;

            int colon = line.IndexOf((byte)':');
            // colon == 0: empty name; colon < 0: no colon; a name that is not a token also rejects a folded line
            // (leading SP/HTAB) and whitespace before the colon (RFC 9112 §5.1: MUST reject with 400).
            if (colon <= 0) return Invalid(ref head, 400);
            var name = line[..colon];
            if (name.ContainsAnyExcept(s_tokenChars)) return Invalid(ref head, 400);
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (value.ContainsAnyExcept(s_fieldValueChars)) return Invalid(ref head, 400);

            switch (name.Length)
            {
                case 4 when Ascii.EqualsIgnoreCase(name, "Host"u8):
                    hosts++;
                    break;
                case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                    ReadConnectionOptions(value, ref close, ref keepAlive);
                    break;
                case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                    // One value, all digits (RFC 9110 §8.6); a repeated field must repeat the same value (§8.6 lets
                    // a recipient accept that), anything else is a smuggling attempt or a broken client.
                    if (!TryParseContentLength(value, out long length)) return Invalid(ref head, 400);
                    if (sawContentLength && length != head.ContentLength) return Invalid(ref head, 400);
                    sawContentLength = true;
                    head.ContentLength = length;
                    break;
                case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                    return Invalid(ref head, 501);
            }
        }
        // RFC 9112 §3.2: a 1.1 request without Host, or any request with two, MUST be answered with 400.
        if (hosts > 1 || (head.MinorVersion == 1 && hosts == 0)) return Invalid(ref head, 400);
        head.KeepAlive = head.MinorVersion == 1 ? !close : keepAlive && !close;
        consumed = position;
        return ParseStatus.Complete;
    }

    private const int NoLineYet = -1;
    private const int BareLineFeed = -2;

    /// <summary>
    /// Where the first line ends (the index of its CR), <see cref="NoLineYet"/> without an LF so far, or
    /// <see cref="BareLineFeed"/> for an LF without its CR: rejected rather than waited on, so a client that ends
    /// lines with LF alone gets a 400 at once instead of a response that never comes.
    /// </summary>
    private static int FindLineEnd(ReadOnlySpan<byte> buffer)
    {
        int lineFeed = buffer.IndexOf((byte)'\n');
        if (lineFeed < 0) return NoLineYet;
        return lineFeed > 0 && buffer[lineFeed - 1] == (byte)'\r' ? lineFeed - 1 : BareLineFeed;
    }

    /// <summary>method SP request-target SP HTTP-version (RFC 9112 §3), exactly one space between each.</summary>
    private static bool ParseRequestLine(ReadOnlySpan<byte> line, ref RequestHead head)
    {
        int methodEnd = line.IndexOf((byte)' ');
        if (methodEnd <= 0 || line[..methodEnd].ContainsAnyExcept(s_tokenChars)) return Fail(ref head, 400);
        var method = line[..methodEnd];
        head.Method = method.SequenceEqual("GET"u8) ? RequestMethod.Get : method.SequenceEqual("HEAD"u8) ? RequestMethod.Head : RequestMethod.Other;

        var afterMethod = line[(methodEnd + 1)..];
        int targetEnd = afterMethod.IndexOf((byte)' ');
        if (targetEnd <= 0 || afterMethod[..targetEnd].ContainsAnyExcept(s_targetChars)) return Fail(ref head, 400);
        head.TargetStart = methodEnd + 1;
        head.TargetLength = targetEnd;

        var version = afterMethod[(targetEnd + 1)..];
        // HTTP-version = "HTTP/" DIGIT "." DIGIT (§2.3), case-sensitive.
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || version[6] != (byte)'.' ||
            !char.IsAsciiDigit((char)version[5]) || !char.IsAsciiDigit((char)version[7]))
            return Fail(ref head, 400);
        if (version[5] != (byte)'1') return Fail(ref head, 505); // HTTP/0.9, 2.0, 3.0 over this parser: not supported
        head.MinorVersion = version[7] - '0';
        if (head.MinorVersion > 1) head.MinorVersion = 1; // HTTP/1.2+ is answered as 1.1 (RFC 9110 §6.2)
        return true;
    }

    /// <summary>The Connection field's options (a comma-separated token list, RFC 9110 §7.6.1): close, keep-alive.</summary>
    private static void ReadConnectionOptions(ReadOnlySpan<byte> value, ref bool close, ref bool keepAlive)
    {
        foreach (var range in value.Split((byte)','))
        {
            var option = value[range].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(option, "close"u8)) close = true;
            else if (Ascii.EqualsIgnoreCase(option, "keep-alive"u8)) keepAlive = true;
        }
    }

    /// <summary>1*DIGIT, no sign, no spaces, no list; at most 18 digits so it cannot overflow a long.</summary>
    private static bool TryParseContentLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18 || value.ContainsAnyExceptInRange((byte)'0', (byte)'9')) return false;
        return Utf8Parser.TryParse(value, out length, out int used) && used == value.Length;
    }

    /// <summary>No CRLF yet: wait for more, unless the head already exceeds the limit.</summary>
    private static ParseStatus Unfinished(ReadOnlySpan<byte> buffer, ref RequestHead head) =>
        buffer.Length > MaxHeadBytes ? Invalid(ref head, 431) : ParseStatus.Incomplete;

    private static ParseStatus Invalid(ref RequestHead head, int status)
    {
        head.ErrorStatus = status;
        return ParseStatus.Invalid;
    }

    private static bool Fail(ref RequestHead head, int status)
    {
        head.ErrorStatus = status;
        return false;
    }

    private static byte[] Range(int first, int last)
    {
        var bytes = new byte[last - first + 1];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(first + i);
        return bytes;
    }
}
