using System.Text;
using AsyncGen.Samples.HttpServer.Http;

namespace AsyncGen.Samples.Tests.HttpServer;

/// <summary>samples/HttpServer's connection protocol without sockets: pipelining, reads split anywhere, bodies, errors, allocations.</summary>
public class HttpSessionTests
{
    private const string Plaintext = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\nConnection: keep-alive\r\n\r\n";
    private const string Json = "GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    [Fact]
    public void Plaintext_and_json_are_answered_as_TechEmpower_requires()
    {
        var outcome = SessionDriver.Run(Bytes(Plaintext + Json));

        var responses = HttpResponse.ParseExactly(outcome.Sent);
        Assert.False(outcome.Closed);
        Assert.Equal([200, 200], responses.Select(r => r.Status));
        Assert.Equal("Hello, World!", responses[0].Body);
        Assert.Equal("text/plain", responses[0].Header("Content-Type"));
        Assert.Equal("13", responses[0].Header("Content-Length"));
        Assert.Equal("{\"message\":\"Hello, World!\"}", responses[1].Body);
        Assert.Equal("application/json", responses[1].Header("Content-Type"));
        Assert.All(responses, r => Assert.Equal("AsyncGen", r.Header("Server")));
        Assert.All(responses, r => Assert.Null(r.Header("Connection"))); // HTTP/1.1's default: keep-alive
    }

    [Fact]
    public void Sixteen_pipelined_requests_in_one_read_get_sixteen_responses_in_one_write()
    {
        var session = new HttpSession();
        var batch = Bytes(string.Concat(Enumerable.Repeat(Plaintext, 16)));
        batch.CopyTo(session.ReceiveSpace.Span);

        session.Received(batch.Length);

        var responses = HttpResponse.ParseExactly(session.Responses.Span);
        Assert.Equal(16, responses.Count);
        Assert.All(responses, r => Assert.Equal((200, "Hello, World!"), (r.Status, r.Body)));
        Assert.Equal(0, session.BufferedBytes);
    }

    /// <summary>A mixed pipeline: GET, HEAD (no body), POST with a body (405, body skipped), 404, json, HTTP/1.0 that closes.</summary>
    private const string Mixed =
        Plaintext +
        "HEAD /plaintext HTTP/1.1\r\nHost: a\r\n\r\n" +
        "POST /json HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nGET /json\r\n" +
        "GET /missing?x=1 HTTP/1.1\r\nHost: a\r\n\r\n" +
        Json +
        "GET /plaintext HTTP/1.0\r\n\r\n";

    private static readonly HashSet<int> s_mixedHeadOnly = [1];

    private static void AssertMixedAnswered(SessionDriver.Outcome outcome, string how)
    {
        var responses = HttpResponse.ParseExactly(outcome.Sent, s_mixedHeadOnly);
        Assert.True(outcome.Closed, how);
        Assert.Equal([200, 200, 405, 404, 200, 200], responses.Select(r => r.Status));
        Assert.Equal(["Hello, World!", "", "", "", "{\"message\":\"Hello, World!\"}", "Hello, World!"], responses.Select(r => r.Body));
        Assert.Equal("13", responses[1].Header("Content-Length")); // HEAD: the length GET would have
        Assert.Equal("GET, HEAD", responses[2].Header("Allow"));
        Assert.True(responses[5].Closes, how);
    }

    [Fact]
    public void A_pipeline_split_in_two_at_every_byte_is_answered_the_same()
    {
        var input = Bytes(Mixed);
        for (int split = 1; split < input.Length; split++)
        {
            int first = split, call = 0;
            var outcome = SessionDriver.Run(input, () => call++ == 0 ? first : int.MaxValue);
            AssertMixedAnswered(outcome, $"split at {split}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    public void A_pipeline_read_in_small_pieces_is_answered_the_same(int chunk)
    {
        AssertMixedAnswered(SessionDriver.Run(Bytes(Mixed), chunk), $"chunks of {chunk}");
    }

    [Fact]
    public void A_body_longer_than_the_buffer_is_skipped_across_reads()
    {
        var body = new string('b', 3 * HttpSession.ReceiveBufferSize);
        var input = Bytes($"POST /plaintext HTTP/1.1\r\nHost: a\r\nContent-Length: {body.Length}\r\n\r\n{body}{Plaintext}");

        var outcome = SessionDriver.Run(input, 1000);

        var responses = HttpResponse.ParseExactly(outcome.Sent);
        Assert.Equal([405, 200], responses.Select(r => r.Status));
        Assert.False(outcome.Closed);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\n\r\n", 400)]
    [InlineData("GET / HTTP/3.0\r\nHost: a\r\n\r\n", 505)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 501)]
    public void A_malformed_request_after_valid_ones_gets_its_error_and_closes(string bad, int status)
    {
        var outcome = SessionDriver.Run(Bytes(Plaintext + bad + Plaintext));

        var responses = HttpResponse.ParseExactly(outcome.Sent);
        Assert.True(outcome.Closed);
        Assert.Equal([200, status], responses.Select(r => r.Status)); // nothing after the error is answered
        Assert.True(responses[1].Closes);
    }

    [Fact]
    public void A_closing_session_reads_nothing_more()
    {
        var session = new HttpSession();
        var input = Bytes("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        input.CopyTo(session.ReceiveSpace.Span);
        session.Received(input.Length);

        Assert.True(session.ShouldClose);
        Assert.Equal(404, HttpResponse.ParseExactly(session.Responses.Span).Single().Status);
        Assert.Throws<InvalidOperationException>(() => session.ReceiveSpace);
    }

    [Fact]
    public void Garbage_without_a_line_end_is_rejected_with_431_once_it_passes_the_head_limit()
    {
        var outcome = SessionDriver.Run(new byte[HttpRequestParser.MaxHeadBytes + 100].AsSpan(), 1000);

        Assert.True(outcome.Closed);
        Assert.Equal(431, HttpResponse.ParseExactly(outcome.Sent).Single().Status);
    }

    [Theory]
    [InlineData(Plaintext)]
    [InlineData(Json)]
    public void Answering_pipelined_requests_allocates_nothing(string request)
    {
        var session = new HttpSession();
        var batch = Bytes(string.Concat(Enumerable.Repeat(request, 16)));
        void Round()
        {
            batch.CopyTo(session.ReceiveSpace.Span);
            session.Received(batch.Length);
            session.ResponsesSent();
        }
        for (int i = 0; i < 10; i++) Round(); // first calls: the JSON metadata, the thread's Date buffer

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Round();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(16 * 1010, session.RequestsAnswered);
        Assert.Equal(0, allocated);
    }
}
