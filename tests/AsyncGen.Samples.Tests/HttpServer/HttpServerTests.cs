using System.Text;

namespace AsyncGen.Samples.Tests.HttpServer;

/// <summary>
/// samples/HttpServer end to end over loopback, on every I/O driver, each as its own process under the throwing
/// fallback switch (see <see cref="HttpServerProcesses"/>).
/// </summary>
[Collection(FallbackSwitchCollection.Name)]
public class HttpServerTests(HttpServerProcesses servers) : IClassFixture<HttpServerProcesses>
{
    /// <summary>
    /// The drivers (the portable one once the runtime has it) and the name the server's banner gives each: the test
    /// checks the server runs on the driver asked for, not on a fallback.
    /// </summary>
    public static TheoryData<string, string> Drivers
    {
        get
        {
            var drivers = new TheoryData<string, string> { { "epoll", "Epoll" }, { "io_uring", "IoUring" } };
            if (typeof(IoDriverKind).Assembly.GetType("AsyncGen.Drivers.Portable.PortableDriver") is not null) drivers.Add("portable", "Portable");
            return drivers;
        }
    }

    private const string Plaintext = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n";
    private const string Json = "GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private HttpServerProcesses.Server Server(string driver, string bannerName)
    {
        var server = servers.On(driver);
        Assert.Contains($"driver {bannerName}", server.Banner); // the driver asked for, not a fallback
        Assert.False(server.HasExited, $"the server on {driver} stopped");
        return server;
    }

    private static Func<byte[], bool> Responses(int count) =>
        bytes => HttpResponse.ParseAll(bytes, out _).Count >= count;

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task Plaintext_and_json_are_served_on_one_kept_alive_connection(string driver, string bannerName)
    {
        var server = Server(driver, bannerName);

        var (received, closed) = await server.Exchange(Encoding.ASCII.GetBytes(Plaintext + Json), shutdownSend: false, Responses(2));

        var responses = HttpResponse.ParseExactly(received);
        Assert.False(closed);
        Assert.Equal([(200, "Hello, World!"), (200, "{\"message\":\"Hello, World!\"}")], responses.Select(r => (r.Status, r.Body)));
        Assert.Equal(["text/plain", "application/json"], responses.Select(r => r.Header("Content-Type")));
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task Sixty_four_pipelined_requests_in_one_send_are_all_answered_in_order(string driver, string bannerName)
    {
        var server = Server(driver, bannerName);
        var requests = string.Concat(Enumerable.Range(0, 64).Select(i => i % 2 == 0 ? Plaintext : Json));

        var (received, _) = await server.Exchange(Encoding.ASCII.GetBytes(requests), shutdownSend: false, Responses(64));

        var responses = HttpResponse.ParseExactly(received);
        Assert.Equal(64, responses.Count);
        Assert.All(responses.Where((_, i) => i % 2 == 0), r => Assert.Equal("Hello, World!", r.Body));
        Assert.All(responses.Where((_, i) => i % 2 == 1), r => Assert.Equal("{\"message\":\"Hello, World!\"}", r.Body));
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task A_malformed_request_gets_400_and_the_connection_closes(string driver, string bannerName)
    {
        var server = Server(driver, bannerName);

        // The client does not close its side: the server must answer and close on its own.
        var (received, closed) = await server.Exchange(Encoding.ASCII.GetBytes(Plaintext + "GET /plaintext HTTP/1.1\r\nHost : x\r\n\r\n" + Plaintext), shutdownSend: false);

        var responses = HttpResponse.ParseExactly(received);
        Assert.True(closed);
        Assert.Equal([200, 400], responses.Select(r => r.Status));
        Assert.True(responses[1].Closes);
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task Connection_close_is_answered_then_the_server_closes(string driver, string bannerName)
    {
        var server = Server(driver, bannerName);

        var (received, closed) = await server.Exchange(Encoding.ASCII.GetBytes("GET /json HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), shutdownSend: false);

        Assert.True(closed);
        Assert.True(HttpResponse.ParseExactly(received).Single().Closes);
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task Mutated_requests_over_the_socket_get_well_formed_answers_or_a_close(string driver, string bannerName)
    {
        var server = Server(driver, bannerName);
        var random = new Random(42);
        for (int n = 0; n < 40; n++)
        {
            var request = new List<byte>(Encoding.ASCII.GetBytes(n % 2 == 0 ? Plaintext + Json : Json + Plaintext));
            for (int m = random.Next(1, 4); m > 0; m--) HttpFuzzTests.Mutate(request, random);

            // Half-closed after sending: whatever was incomplete can never complete, so the server must close.
            var (received, closed) = await server.Exchange([.. request], shutdownSend: true);

            Assert.True(closed, $"case {n}");
            var responses = HttpResponse.ParseExactly(received, new HashSet<int>()); // no HEAD here
            Assert.All(responses, r => Assert.Contains(r.Status, new[] { 200, 400, 404, 405, 431, 501, 505 }));
        }
        Assert.False(server.HasExited, $"the server on {driver} stopped: {server.Errors}");
        var (after, _) = await server.Exchange(Encoding.ASCII.GetBytes(Plaintext), shutdownSend: false, Responses(1));
        Assert.Equal("Hello, World!", HttpResponse.ParseExactly(after).Single().Body);
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task Two_hundred_connections_at_once_are_all_served(string driver, string bannerName)
    {
        var server = Server(driver, bannerName);
        var batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Plaintext, 4)));

        var exchanges = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => server.Exchange(batch, shutdownSend: false, Responses(4))));

        Assert.All(exchanges, e => Assert.Equal(4, HttpResponse.ParseExactly(e.Received).Count(r => r.Body == "Hello, World!")));
    }
}
