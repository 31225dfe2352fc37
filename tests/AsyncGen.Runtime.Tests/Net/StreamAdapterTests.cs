using System.Buffers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Sync;

namespace AsyncGen.Runtime.Tests.Net;

public class StreamAdapterTests
{
    private static readonly TimeSpan Limit = SyncTestSupport.StallLimit;

    /// <summary>A connected pair, both registered with <paramref name="executor"/>'s driver.</summary>
    private static (AsyncTcpStream Client, AsyncTcpStream Server) Pair(WorkStealingExecutor executor)
    {
        using var listener = Loopback.Listen();
        return executor.BlockOn(Loopback.Pair(listener), Limit);
    }

    [Fact]
    public async Task StreamReader_and_StreamWriter_exchange_lines_over_AsStream()
    {
        using var executor = new WorkStealingExecutor(2);
        var (client, server) = Pair(executor);
        await using var clientStream = client.AsStream(executor);
        await using var serverStream = server.AsStream(executor);
        using var serverReader = new StreamReader(serverStream, Encoding.UTF8);
        await using var serverWriter = new StreamWriter(serverStream, new UTF8Encoding(false)) { AutoFlush = true };
        using var clientReader = new StreamReader(clientStream, Encoding.UTF8);
        await using var clientWriter = new StreamWriter(clientStream, new UTF8Encoding(false)) { AutoFlush = true };

        for (int i = 0; i < 20; i++)
        {
            await clientWriter.WriteLineAsync($"line {i}");
            var line = await serverReader.ReadLineAsync().WaitAsync(Limit);
            await serverWriter.WriteLineAsync(line!.ToUpperInvariant());
            Assert.Equal($"LINE {i}", await clientReader.ReadLineAsync().WaitAsync(Limit));
        }
        client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        Assert.Null(await serverReader.ReadLineAsync().WaitAsync(Limit)); // end of stream
    }

    private static X509Certificate2 SelfSignedLocalhost()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server auth
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so the private key is usable by the platform's TLS (OpenSSL) as a server credential.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    [Fact]
    public async Task SslStream_round_trips_over_AsStream_on_both_sides()
    {
        using var certificate = SelfSignedLocalhost();
        using var executor = new WorkStealingExecutor(2);
        var (client, server) = Pair(executor);
        await using var serverTls = new SslStream(server.AsStream(executor));
        await using var clientTls = new SslStream(client.AsStream(executor), leaveInnerStreamOpen: false,
            (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString());

        await Task.WhenAll(
            serverTls.AuthenticateAsServerAsync(certificate),
            clientTls.AuthenticateAsClientAsync("localhost")).WaitAsync(Limit);
        Assert.True(clientTls.IsEncrypted && serverTls.IsEncrypted);

        var request = new byte[64 * 1024]; // several TLS records, several socket reads
        Random.Shared.NextBytes(request);
        await clientTls.WriteAsync(request).AsTask().WaitAsync(Limit);
        var received = new byte[request.Length];
        await serverTls.ReadExactlyAsync(received).AsTask().WaitAsync(Limit);
        Assert.Equal(request, received);

        await serverTls.WriteAsync("pong"u8.ToArray()).AsTask().WaitAsync(Limit);
        var reply = new byte[4];
        await clientTls.ReadExactlyAsync(reply).AsTask().WaitAsync(Limit);
        Assert.Equal("pong"u8.ToArray(), reply);
    }

    [Fact]
    public async Task A_duplex_pipe_over_each_end_carries_a_message_both_ways()
    {
        using var executor = new WorkStealingExecutor(2);
        var (client, server) = Pair(executor);
        using (client)
        using (server)
        {
            var clientPipe = client.AsDuplexPipe(executor);
            var serverPipe = server.AsDuplexPipe(executor);

            var message = new byte[100_000];
            Random.Shared.NextBytes(message);
            await clientPipe.Output.WriteAsync(message).AsTask().WaitAsync(Limit);
            await clientPipe.Output.CompleteAsync();
            client.Shutdown(System.Net.Sockets.SocketShutdown.Send);

            var received = new List<byte>();
            while (true)
            {
                var result = await serverPipe.Input.ReadAsync().AsTask().WaitAsync(Limit);
                foreach (var segment in result.Buffer) received.AddRange(segment.ToArray());
                serverPipe.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            Assert.Equal(message, received);

            await serverPipe.Output.WriteAsync("done"u8.ToArray()).AsTask().WaitAsync(Limit);
            var reply = await clientPipe.Input.ReadAtLeastAsync(4).AsTask().WaitAsync(Limit);
            Assert.Equal("done"u8.ToArray(), reply.Buffer.ToArray());
            clientPipe.Input.AdvanceTo(reply.Buffer.End);
        }
    }

    [Fact]
    public async Task A_cancelled_ReadAsync_loses_nothing_and_the_continuation_never_runs_on_an_executor_worker()
    {
        using var executor = new WorkStealingExecutor(2);
        var (client, server) = Pair(executor);
        await using var clientStream = client.AsStream(executor);
        await using var serverStream = server.AsStream(executor);

        using var source = new CancellationTokenSource();
        var buffer = new byte[8];
        var pending = serverStream.ReadAsync(buffer, source.Token);
        source.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);

        await clientStream.WriteAsync("abc"u8.ToArray());
        int read = await serverStream.ReadAsync(buffer).AsTask().WaitAsync(Limit);
        Assert.Null(WorkStealingExecutor.Current); // the continuation above ran on the thread pool
        Assert.Equal("abc"u8.ToArray(), buffer[..read]);
    }

    [Fact]
    public async Task A_ReadAsync_overlapping_a_completed_but_unconsumed_one_throws_and_the_first_keeps_its_result()
    {
        using var executor = new WorkStealingExecutor(2);
        var (client, server) = Pair(executor);
        await using var clientStream = client.AsStream(executor);
        await using var serverStream = server.AsStream(executor);
        var first = new byte[8];
        var pending = serverStream.ReadAsync(first);
        await clientStream.WriteAsync("abc"u8.ToArray());
        Assert.True(SpinWait.SpinUntil(() => pending.IsCompleted, Limit));

        // The lane finished the first read, but its caller has not taken the result: the read is still in flight, so
        // a second one is the overlap Stream forbids (it used to claim the lane and reset the first one's result).
        var error = Assert.Throws<InvalidOperationException>(() => { _ = serverStream.ReadAsync(new byte[8]); });
        Assert.Contains("still in flight", error.Message);
        int read = await pending;
        Assert.Equal("abc"u8.ToArray(), first[..read]);

        await clientStream.WriteAsync("de"u8.ToArray()); // consumed: the next read is served
        Assert.Equal(2, await serverStream.ReadAsync(first).AsTask().WaitAsync(Limit));
    }

    private static async Future<int> ReadBlocking(Stream stream)
    {
        await Future.Yield();
        return stream.Read(new byte[1], 0, 1);
    }

    [Fact]
    public void Blocking_Read_on_an_executor_worker_throws_and_says_to_use_ReadAsync()
    {
        using var executor = new WorkStealingExecutor(1);
        var (client, server) = Pair(executor);
        using var stream = server.AsStream(executor);
        using (client)
        {
            var error = Assert.Throws<InvalidOperationException>(
                () => executor.BlockOn(ReadBlocking(stream), Limit));
            Assert.Contains("ReadAsync", error.Message);
        }
    }

    [Fact]
    public void Blocking_span_Read_and_Write_allocate_no_buffer_per_call()
    {
        const int Size = 16 * 1024; // fits a loopback socket's send buffer: the write completes before the read
        const int Rounds = 20;
        using var executor = new WorkStealingExecutor(2);
        var (client, server) = Pair(executor);
        using var clientStream = client.AsStream(executor);
        using var serverStream = server.AsStream(executor);
        var sent = new byte[Size];
        Random.Shared.NextBytes(sent);
        var received = new byte[Size];

        void RoundTrip()
        {
            clientStream.Write((ReadOnlySpan<byte>)sent);
            serverStream.ReadExactly(received.AsSpan());
        }

        RoundTrip(); // warm-up: JIT, and the pool's first arrays for this thread
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++) RoundTrip();
        long perRoundTrip = (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;

        Assert.Equal(sent, received);
        // A Task and its continuation per call remain; an array per call (the old copy) would be >= 2 x Size.
        Assert.True(perRoundTrip < Size / 4, $"{perRoundTrip} bytes allocated per {Size}-byte round trip");
    }

    [Fact]
    public void AsStream_without_an_executor_outside_a_task_says_to_pass_one()
    {
        using var executor = new WorkStealingExecutor(1);
        var (client, server) = Pair(executor);
        using (client)
        using (server)
        {
            var error = Assert.Throws<InvalidOperationException>(() => client.AsStream());
            Assert.Contains("AsStream(executor)", error.Message);
        }
    }
}
