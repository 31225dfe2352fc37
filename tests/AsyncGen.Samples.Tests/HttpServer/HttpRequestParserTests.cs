using System.Text;
using AsyncGen.Samples.HttpServer.Http;

namespace AsyncGen.Samples.Tests.HttpServer;

/// <summary>samples/HttpServer's request parser: what it accepts, what it waits for, what it rejects and with which status.</summary>
public class HttpRequestParserTests
{
    private const string Plaintext = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\nConnection: keep-alive\r\n\r\n";

    private static (ParseStatus Status, RequestHead Head, int Consumed) Parse(string request)
    {
        var status = HttpRequestParser.Parse(Encoding.Latin1.GetBytes(request), out var head, out int consumed);
        return (status, head, consumed);
    }

    [Fact]
    public void A_complete_GET_is_parsed_with_its_target_and_keep_alive()
    {
        var (status, head, consumed) = Parse(Plaintext + "GET /json");

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(Plaintext.Length, consumed);
        Assert.Equal(RequestMethod.Get, head.Method);
        Assert.Equal("/plaintext", Plaintext.Substring(head.TargetStart, head.TargetLength));
        Assert.Equal(1, head.MinorVersion);
        Assert.True(head.KeepAlive);
        Assert.Equal(0, head.ContentLength);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nconnection: Upgrade, CLOSE\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false)]
    public void Keep_alive_follows_the_version_and_the_Connection_field(string request, bool keepAlive)
    {
        var (status, head, _) = Parse(request);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Theory]
    [InlineData("HEAD /json HTTP/1.1\r\nHost: a\r\n\r\n", "Head", 0L)]
    [InlineData("POST /json HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n", "Other", 12L)]
    [InlineData("PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length:  7 \r\nContent-Length: 7\r\n\r\n", "Other", 7L)]
    [InlineData("GET /x?y=1 HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Tab:\tv\r\nX-Obs-Text: caf\u00e9\r\n\r\n", "Get", 0L)]
    public void Methods_bodies_and_unusual_but_valid_fields_are_accepted(string request, string method, long contentLength)
    {
        var (status, head, consumed) = Parse(request);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(request.Length, consumed);
        Assert.Equal(method, head.Method.ToString());
        Assert.Equal(contentLength, head.ContentLength);
    }

    [Fact]
    public void Every_proper_prefix_of_a_request_is_incomplete()
    {
        for (int length = 0; length < Plaintext.Length; length++)
        {
            var (status, _, consumed) = Parse(Plaintext[..length]);
            Assert.True(status == ParseStatus.Incomplete, $"prefix of {length} bytes: {status}");
            Assert.Equal(0, consumed);
        }
    }

    [Theory]
    [InlineData("GET  /plaintext HTTP/1.1\r\nHost: a\r\n\r\n", 400)]        // two spaces
    [InlineData("GET /plaintext HTTP/1.1 \r\nHost: a\r\n\r\n", 400)]         // trailing space
    [InlineData(" / HTTP/1.1\r\nHost: a\r\n\r\n", 400)]                      // no method
    [InlineData("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400)]                   // method not a token
    [InlineData("GET /pl\u00e4in HTTP/1.1\r\nHost: a\r\n\r\n", 400)]         // target not visible ASCII
    [InlineData("GET /plaintext http/1.1\r\nHost: a\r\n\r\n", 400)]          // version is case-sensitive
    [InlineData("GET /plaintext HTTP/1.1x\r\nHost: a\r\n\r\n", 400)]
    [InlineData("GET /plaintext HTTP/2.0\r\nHost: a\r\n\r\n", 505)]
    [InlineData("GET /plaintext HTTP/0.9\r\n\r\n", 505)]
    [InlineData("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400)]               // empty line first
    [InlineData("GET / HTTP/1.1\nHost: a\n\n", 400)]                         // bare LF
    [InlineData("GET / HTTP/1.1\r\nHost: a\n\r\n", 400)]                     // bare LF in the fields
    [InlineData("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400)]                  // space before the colon
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400)]        // obsolete line folding
    [InlineData("GET / HTTP/1.1\r\nHost a\r\n\r\n", 400)]                    // no colon
    [InlineData("GET / HTTP/1.1\r\n: a\r\nHost: a\r\n\r\n", 400)]            // empty name
    [InlineData("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 400)]                // NUL in a value
    [InlineData("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400)]                // bare CR in a value
    [InlineData("GET / HTTP/1.1\r\n\r\n", 400)]                              // 1.1 without Host
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)]        // two Hosts
    [InlineData("GET / HTTP/1.0\r\nHost: a\r\nHOST: a\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9999999999999999999\r\n\r\n", 400)] // overflows a long
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 501)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 501)]
    public void Malformed_requests_are_rejected_with_their_status(string request, int expected)
    {
        var (status, head, consumed) = Parse(request);

        Assert.Equal(ParseStatus.Invalid, status);
        Assert.Equal(expected, head.ErrorStatus);
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void A_head_longer_than_the_limit_is_rejected_with_431_even_before_it_ends()
    {
        var field = "X-Big: " + new string('a', HttpRequestParser.MaxHeadBytes) + "\r\n";
        var complete = Parse("GET / HTTP/1.1\r\nHost: a\r\n" + field + "\r\n");
        var unfinished = Parse("GET / HTTP/1.1\r\nHost: a\r\n" + field[..^2]);
        var noLineEnd = Parse(new string('A', HttpRequestParser.MaxHeadBytes + 1));

        Assert.Equal((ParseStatus.Invalid, 431), (complete.Status, complete.Head.ErrorStatus));
        Assert.Equal((ParseStatus.Invalid, 431), (unfinished.Status, unfinished.Head.ErrorStatus));
        Assert.Equal((ParseStatus.Invalid, 431), (noLineEnd.Status, noLineEnd.Head.ErrorStatus));
    }

    [Fact]
    public void More_fields_than_the_limit_are_rejected_with_431()
    {
        var fields = string.Concat(Enumerable.Range(0, HttpRequestParser.MaxHeaderFields - 1).Select(i => $"X-{i}: v\r\n"));
        var atLimit = Parse("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n");
        var overLimit = Parse("GET / HTTP/1.1\r\nHost: a\r\nX-Last: v\r\n" + fields + "\r\n");

        Assert.Equal(ParseStatus.Complete, atLimit.Status);
        Assert.Equal((ParseStatus.Invalid, 431), (overLimit.Status, overLimit.Head.ErrorStatus));
    }
}
