using System.Buffers.Text;
using System.Text.Json;

namespace AsyncGen.Samples.HttpServer.Http;

/// <summary>
/// The application: TechEmpower's "plaintext" (<c>GET /plaintext</c>) and "json" (<c>GET /json</c>) tests, 404 and
/// 405 for the rest, and the error responses the parser asks for. Writes whole responses into a
/// <see cref="ResponseBuffer"/>; one instance per connection (it owns a reusable JSON writer), allocation-free per request.
/// </summary>
internal sealed class Endpoints
{
    /// <summary>Sent on every response (RFC 9110 §10.2.4), as TechEmpower requires.</summary>
    private static ReadOnlySpan<byte> ServerHeader => "Server: AsyncGen\r\n"u8;

    private static ReadOnlySpan<byte> PlaintextBody => "Hello, World!"u8;

    private static ReadOnlySpan<byte> PlaintextHead =>
        "HTTP/1.1 200 OK\r\nServer: AsyncGen\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"u8;

    private static ReadOnlySpan<byte> JsonHead => "HTTP/1.1 200 OK\r\nServer: AsyncGen\r\nContent-Type: application/json\r\n"u8;

    /// <summary>The one object the json test serializes; its string is a literal, so building it allocates nothing.</summary>
    private const string Greeting = "Hello, World!";

    private readonly ResponseBuffer _jsonBody = new();
    private readonly Utf8JsonWriter _json;

    public Endpoints() => _json = new Utf8JsonWriter(_jsonBody, new JsonWriterOptions { SkipValidation = true });

    /// <summary>Answers one valid request: 200 for the two tests (GET or HEAD), 405 for another method there, 404 elsewhere.</summary>
    public void Respond(in RequestHead head, ReadOnlySpan<byte> target, ResponseBuffer output, ReadOnlySpan<byte> date)
    {
        int query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        bool plaintext = path.SequenceEqual("/plaintext"u8);
        if (!plaintext && !path.SequenceEqual("/json"u8))
        {
            WriteEmpty(output, "HTTP/1.1 404 Not Found\r\n"u8, head, date);
            return;
        }
        if (head.Method == RequestMethod.Other)
        {
            WriteEmpty(output, "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\n"u8, head, date);
            return;
        }
        bool withBody = head.Method == RequestMethod.Get;
        if (plaintext)
        {
            output.Write(PlaintextHead);
            WriteEnd(output, head, date);
            if (withBody) output.Write(PlaintextBody);
            return;
        }
        // Serialized per request, as the json test requires: into this connection's scratch buffer first, since
        // Content-Length comes before the body.
        _jsonBody.Clear();
        _json.Reset(_jsonBody);
        JsonSerializer.Serialize(_json, new JsonMessage(Greeting), HttpJsonContext.Default.JsonMessage);
        output.Write(JsonHead);
        WriteContentLength(output, _jsonBody.Count);
        WriteEnd(output, head, date);
        if (withBody) output.Write(_jsonBody.Written.Span);
    }

    /// <summary>The response to a request the parser rejected; the connection closes after it.</summary>
    public static void RespondToInvalid(int status, ResponseBuffer output, ReadOnlySpan<byte> date)
    {
        output.Write(status switch
        {
            431 => "HTTP/1.1 431 Request Header Fields Too Large\r\n"u8,
            501 => "HTTP/1.1 501 Not Implemented\r\n"u8,
            505 => "HTTP/1.1 505 HTTP Version Not Supported\r\n"u8,
            _ => "HTTP/1.1 400 Bad Request\r\n"u8,
        });
        output.Write(ServerHeader);
        output.Write("Content-Length: 0\r\nConnection: close\r\n"u8);
        output.Write(date);
        output.Write("\r\n"u8);
    }

    private static void WriteEmpty(ResponseBuffer output, ReadOnlySpan<byte> statusLine, in RequestHead head, ReadOnlySpan<byte> date)
    {
        output.Write(statusLine);
        output.Write(ServerHeader);
        output.Write("Content-Length: 0\r\n"u8);
        WriteEnd(output, head, date);
    }

    /// <summary>The Connection field when the default for the version does not hold, the Date field, the empty line.</summary>
    private static void WriteEnd(ResponseBuffer output, in RequestHead head, ReadOnlySpan<byte> date)
    {
        if (!head.KeepAlive) output.Write("Connection: close\r\n"u8);
        else if (head.MinorVersion == 0) output.Write("Connection: keep-alive\r\n"u8);
        output.Write(date);
        output.Write("\r\n"u8);
    }

    private static void WriteContentLength(ResponseBuffer output, int length)
    {
        output.Write("Content-Length: "u8);
        var digits = output.GetSpan(11);
        Utf8Formatter.TryFormat(length, digits, out int written);
        output.Advance(written);
        output.Write("\r\n"u8);
    }
}
