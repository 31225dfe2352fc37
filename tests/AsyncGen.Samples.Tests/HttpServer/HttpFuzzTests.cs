using System.Text;
using AsyncGen.Samples.HttpServer.Http;

namespace AsyncGen.Samples.Tests.HttpServer;

/// <summary>
/// Fuzzing samples/HttpServer's parser through its session (seeded, so a failure replays): random bytes and mutated
/// valid requests, fed in random read sizes. Nothing may throw; whatever was answered must be well-formed HTTP/1.1;
/// each case must end, within one read per input byte, either closed after an error response or waiting on a tail
/// that could still become a request (never more than a head's worth of bytes).
/// </summary>
public class HttpFuzzTests
{
    /// <summary>The valid requests mutations start from: every path the session has.</summary>
    private static readonly string[] s_corpus =
    [
        "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain,text/html;q=0.9\r\nConnection: keep-alive\r\n\r\n",
        "GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "HEAD /plaintext HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /json HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET /nowhere?q=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost: a\r\n\r\nGET /json HTTP/1.1\r\nHost: a\r\n\r\n",
    ];

    /// <summary>Bytes that matter to the parser, so mutations hit its branches more often than uniform noise would.</summary>
    private static readonly byte[] s_interesting = Encoding.ASCII.GetBytes("\r\n :\t\0/?,0123456789-+HTPGETchunkedclose");

    /// <summary>How long the whole fuzz run may take before it counts as a hang (it takes well under a second).</summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromMinutes(2);

    [Fact]
    public void Random_bytes_never_crash_or_hang_the_session()
    {
        RunCases(seed: 20261127, cases: 3000, random =>
        {
            var input = new byte[random.Next(0, 600)];
            if (random.Next(2) == 0) random.NextBytes(input);
            else for (int i = 0; i < input.Length; i++) input[i] = s_interesting[random.Next(s_interesting.Length)];
            return input;
        });
    }

    [Fact]
    public void Mutated_requests_never_crash_or_hang_the_session()
    {
        RunCases(seed: 15, cases: 4000, random =>
        {
            var request = new List<byte>(Encoding.ASCII.GetBytes(s_corpus[random.Next(s_corpus.Length)]));
            int mutations = random.Next(1, 5);
            for (int m = 0; m < mutations; m++) Mutate(request, random);
            return [.. request];
        });
    }

    [Fact]
    public void Long_random_streams_hit_the_head_limit_and_close()
    {
        // Beyond 8 KiB without a complete head the answer is 431 (or a 400 found earlier): never an endless wait.
        RunCases(seed: 7, cases: 50, random =>
        {
            var input = new byte[HttpRequestParser.MaxHeadBytes + 1 + random.Next(0, 4000)];
            for (int i = 0; i < input.Length; i++) input[i] = (byte)random.Next(0x20, 0x7F); // no CR, no LF
            return input;
        }, mustClose: true);
    }

    /// <summary>One mutation: flip, insert, delete, duplicate a range, truncate, or splice in an interesting byte.</summary>
    internal static void Mutate(List<byte> request, Random random)
    {
        int at = request.Count == 0 ? 0 : random.Next(request.Count);
        switch (random.Next(6))
        {
            case 0 when request.Count > 0:
                request[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                request.Insert(at, (byte)random.Next(256));
                break;
            case 2 when request.Count > 0:
                request.RemoveAt(at);
                break;
            case 3 when request.Count > 0:
                int length = random.Next(1, Math.Min(32, request.Count - at) + 1);
                request.InsertRange(at, request.GetRange(at, length));
                break;
            case 4:
                request.RemoveRange(at, request.Count - at);
                break;
            default:
                request.Insert(at, s_interesting[random.Next(s_interesting.Length)]);
                break;
        }
    }

    private static void RunCases(int seed, int cases, Func<Random, byte[]> makeInput, bool mustClose = false)
    {
        var random = new Random(seed);
        int closed = 0, answered = 0;
        var run = Task.Run(() =>
        {
            for (int n = 0; n < cases; n++)
            {
                var input = makeInput(random);
                int maxChunk = random.Next(1, 3) == 1 ? 1 + random.Next(16) : int.MaxValue;
                var outcome = RunOne(input, () => random.Next(1, Math.Min(maxChunk, 4096) + 1), $"seed {seed}, case {n}");
                if (outcome.Closed) closed++;
                if (outcome.Sent.Length > 0) answered++;
                if (mustClose) Assert.True(outcome.Closed, $"seed {seed}, case {n}: {input.Length} bytes without a head and still open");
            }
        });

        Assert.True(run.Wait(s_hangGuard), $"the fuzz run (seed {seed}) did not finish: a case hangs");
        Assert.True(answered > 0, "no case was answered at all: the generator makes no useful input");
        Assert.True(closed > 0, "no case was rejected: the generator makes no malformed input");
    }

    private static SessionDriver.Outcome RunOne(byte[] input, Func<int> chunkSize, string name)
    {
        SessionDriver.Outcome outcome;
        try
        {
            outcome = SessionDriver.Run(input, chunkSize);
        }
        catch (Exception error)
        {
            throw new Xunit.Sdk.XunitException($"{name}: the session threw on input {Convert.ToBase64String(input)}: {error}");
        }
        // Bounded: at least one byte per read, so at most one read per byte.
        Assert.True(outcome.Reads <= input.Length, $"{name}: {outcome.Reads} reads for {input.Length} bytes");
        List<HttpResponse> responses;
        try
        {
            // HEAD responses have no body; the corpus's HEAD is its only one, so parse leniently after it: a HEAD
            // answer followed by more can only be checked for its head.
            responses = input.AsSpan().StartsWith("HEAD "u8) ? HttpResponse.ParseAll(outcome.Sent, out _, new HashSet<int> { 0 }) : HttpResponse.ParseExactly(outcome.Sent);
        }
        catch (FormatException error)
        {
            throw new Xunit.Sdk.XunitException($"{name}: malformed response {error.Message} to input {Convert.ToBase64String(input)}");
        }
        if (outcome.Closed)
        {
            Assert.NotEmpty(responses);
            Assert.True(responses[^1].Closes, $"{name}: closed without saying so");
        }
        else
        {
            Assert.True(outcome.BufferedBytes <= HttpRequestParser.MaxHeadBytes, $"{name}: {outcome.BufferedBytes} bytes buffered while open");
            Assert.All(responses, r => Assert.False(r.Closes, $"{name}: said close and stayed open"));
        }
        foreach (var response in responses.Where(r => r.Status == 200 && r.Body.Length > 0))
            Assert.Contains(response.Body, new[] { "Hello, World!", "{\"message\":\"Hello, World!\"}" });
        return outcome;
    }
}
