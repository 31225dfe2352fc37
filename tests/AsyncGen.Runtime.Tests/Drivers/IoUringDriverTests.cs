using System.Diagnostics.Tracing;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Drivers;
using AsyncGen.Drivers.IoUring;
using AsyncGen.Executors;
using AsyncGen.Executors.WorkStealing;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>What only the io_uring driver has: its fallback, buffer ring, CQ overflow, unpark and shutdown drain.</summary>
[Collection(SerialCollection.Name)] // EventListener and the process-wide fallback counter
public class IoUringDriverTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    private static LocalExecutor IoUringExecutor(uint entries = 0) =>
        new(new DriverOptions { Driver = IoDriverKind.IoUring, IoUringEntries = entries });

    internal static IoUringDriver Driver(LocalExecutor executor) => Assert.IsType<IoUringDriver>(executor.Driver.Io);

    /// <summary>Parks until the kernel returned every request of closed sockets (their last completions arrive in parks).</summary>
    internal static void Settle(LocalExecutor executor)
    {
        for (int i = 0; i < 1000 && Driver(executor).LingeringCount > 0; i++) executor.BlockOn(Time.Sleep(TimeSpan.FromMilliseconds(1)));
        Assert.Equal(0, Driver(executor).LingeringCount);
    }

    internal sealed class FallbackListener : EventListener
    {
        public readonly List<string> Fallbacks = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Warning);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName == "DriverFallback") lock (Fallbacks) Fallbacks.Add($"{e.Payload![0]} -> {e.Payload[1]}: {e.Payload[2]}");
        }
    }

    [Fact]
    public void The_io_uring_driver_runs_when_asked_for_on_this_kernel()
    {
        using var executor = IoUringExecutor();
        Assert.Equal(IoDriverKind.IoUring, executor.IoDriver);
    }

    [Theory]
    [InlineData(IoUringNative.ENOSYS, "ENOSYS")]
    [InlineData(IoUringNative.EPERM, "io_uring_disabled")]
    [InlineData(IoUringNative.EINVAL, "lacks a required io_uring feature")]
    public void Unavailable_io_uring_falls_back_to_epoll_with_one_event(int errno, string reason)
    {
        using var listener = new FallbackListener();
        long before = DriverFactory.FallbackCount;

        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.IoUring, SimulatedIoUringErrno = errno });

        Assert.Equal(IoDriverKind.Epoll, executor.IoDriver);
        Assert.Equal(before + 1, DriverFactory.FallbackCount);
        var fallback = Assert.Single(listener.Fallbacks);
        Assert.StartsWith("IoUring -> Epoll: ", fallback);
        Assert.Contains(reason, fallback);
    }

    [Fact]
    public void Sockets_work_on_the_epoll_fallback()
    {
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.IoUring, SimulatedIoUringErrno = IoUringNative.ENOSYS });
        Assert.Equal(5, executor.BlockOn(EchoOnce(5), s_limit));
    }

    [Fact]
    public void Without_the_kernel_receive_limit_receives_are_armed_unlimited_and_an_event_says_so_once()
    {
        using var listener = new FallbackListener();
        using var executor = IoUringExecutor();
        Assert.True(Driver(executor).ReceiveLimitSupported); // Linux 6.17+ here

        // What a kernel's EINVAL for a limited receive does (this kernel never refuses one).
        Driver(executor).ReceiveLimitUnsupported();
        Driver(executor).ReceiveLimitUnsupported();

        Assert.False(Driver(executor).ReceiveLimitSupported);
        var fallback = Assert.Single(listener.Fallbacks);
        Assert.Contains("multishot receive byte limit", fallback);
        Assert.Equal(100_000, executor.BlockOn(EchoOnce(100_000), s_limit));
    }

    private static async Future<int> EchoOnce(int size)
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            await client.WriteAllAsync(new byte[size]);
            return await Loopback.ReadFull(server, new byte[size]);
        }
    }

    /// <summary>Counts its wakes (the parking thread wakes it).</summary>
    private sealed class CountingWakeTarget : IWakeTarget
    {
        public int Wakes;

        public void Wake(int slot, int generation) => Wakes++;
    }

    [Fact]
    public void A_park_dispatches_at_most_MaxCompletionsPerPark_completions_and_the_next_one_takes_the_rest()
    {
        const int Connections = IoUringInstance.MaxCompletionsPerPark + 36;
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(Connections);
            var clients = new List<Socket>();
            var servers = new List<Socket>();
            var target = new CountingWakeTarget();
            try
            {
                for (int i = 0; i < Connections; i++)
                {
                    var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    clients.Add(client);
                    client.Connect(listener.LocalEndPoint!);
                    var server = listener.Accept();
                    servers.Add(server);
                    server.Blocking = false;
                    // A read that finds nothing arms the socket's multishot receive and stores the waker.
                    var registration = driver!.Register(server, connecting: false);
                    Assert.False(registration.TryReceive(server, new byte[16], new Waker(target, i, 1), out _));
                }
                driver!.Park(0); // submits the receives
                foreach (var client in clients) client.Send(new byte[] { 1 });
                // Each park takes at most the bound; the completions it leaves are taken by the next ones, none lost.
                int parks = 0, most = 0;
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
                while (target.Wakes < Connections && DateTime.UtcNow < deadline)
                {
                    int before = target.Wakes;
                    driver.Park(10);
                    most = Math.Max(most, target.Wakes - before);
                    parks++;
                }
                Assert.Equal(Connections, target.Wakes);
                Assert.InRange(most, 1, IoUringInstance.MaxCompletionsPerPark);
                Assert.True(parks >= 2, $"{Connections} receive completions were dispatched by {parks} park");
            }
            finally
            {
                foreach (var socket in servers) socket.Dispose();
                foreach (var socket in clients) socket.Dispose();
            }
        }
    }

    [Fact]
    public void Unpark_from_another_thread_ends_an_infinite_park()
    {
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            using var parked = new ManualResetEventSlim();
            var parker = new Thread(() =>
            {
                parked.Set();
                driver!.Park(Timeout.Infinite);
            });
            parker.Start();
            parked.Wait();
            driver!.Unpark();
            Assert.True(parker.Join(TimeSpan.FromSeconds(30)), "the parked thread was not unparked");
        }
    }

    [Fact]
    public void A_turn_that_does_not_wait_enters_only_for_pending_kernel_work_and_still_delivers_completions()
    {
        using var executor = IoUringExecutor();
        using var listener = Loopback.Listen();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint);
        var reader = new YieldingReader();
        var writer = new Thread(() =>
        {
            reader.Yielding.Wait();
            peer.Send(new byte[7]);
        });
        writer.Start();
        // While the other task yields, the executor never parks with a timeout: the receive completes in a no-wait turn.
        var (received, _) = executor.BlockOn(Future.Join(reader.Read(listener), reader.YieldUntilRead()), s_limit);
        Assert.Equal(7, received);
        Assert.True(writer.Join(s_limit));
        Assert.True(Driver(executor).SkippedEnterCount > 0, "every no-wait turn entered the kernel");
    }

    [Fact]
    public void Rings_the_kernel_creates_without_the_optional_setup_flags_are_counted_reported_once_and_still_serve()
    {
        using var listener = new FallbackListener();
        using var executor = new WorkStealingExecutor(2, new DriverOptions
        {
            Driver = IoDriverKind.IoUring,
            SimulateIoUringOptionalFlagsRefused = true,
        });
        var driver = Assert.IsType<IoUringDriver>(executor.Driver.Io);

        Assert.Equal(3, driver.InstanceCount); // the fallback is per flag, not per ring: every ring exists
        Assert.Equal(3, driver.OptionalFlagsFallbackCount); // the driver's ring and both workers'
        var fallback = Assert.Single(listener.Fallbacks);
        Assert.StartsWith("IoUring -> IoUring without COOP_TASKRUN: ", fallback);
        Assert.Equal(100_000, executor.BlockOn(EchoThrough(100_000), s_limit));
        // Without TASKRUN_FLAG nothing says whether completion work waits: no turn may skip its enter.
        Assert.Equal(0, driver.SkippedEnterCount);
    }

    [Fact]
    public void This_kernel_takes_the_optional_setup_flags()
    {
        using var executor = new WorkStealingExecutor(2, new DriverOptions { Driver = IoDriverKind.IoUring });
        Assert.Equal(0, Assert.IsType<IoUringDriver>(executor.Driver.Io).OptionalFlagsFallbackCount);
    }

    private static async Future<int> EchoThrough(int size)
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            await client.WriteAllAsync(new byte[size]);
            return await Loopback.ReadFull(server, new byte[size]);
        }
    }

    private sealed class YieldingReader
    {
        public readonly ManualResetEventSlim Yielding = new();
        private bool _read;

        public async Future<int> Read(AsyncTcpListener listener)
        {
            using var server = await listener.AcceptAsync();
            int n = await Loopback.ReadFull(server, new byte[7]);
            _read = true;
            return n;
        }

        public async Future<int> YieldUntilRead()
        {
            int yields = 0;
            for (; !_read; yields++)
            {
                if (yields == 1_000) Yielding.Set();
                await Future.Yield();
            }
            return yields;
        }
    }

    [Fact]
    public void Unparks_are_never_lost_under_a_storm_of_parks_and_unparks()
    {
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            int round = 0;
            const int Rounds = 2_000;
            var unparker = new Thread(() =>
            {
                while (Volatile.Read(ref round) < Rounds) driver!.Unpark();
            });
            unparker.Start();
            for (int i = 0; i < Rounds; i++)
            {
                driver!.Park(Timeout.Infinite); // hangs if an unpark is lost
                Volatile.Write(ref round, i + 1);
            }
            Assert.True(unparker.Join(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public void A_deferring_thread_leaves_its_sends_queued_until_it_submits_them_and_other_threads_submit_at_once()
    {
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            client.ReceiveTimeout = 30_000;
            using var server = listener.Accept();
            server.Blocking = false;
            var registration = driver!.Register(server, connecting: false);
            try
            {
                var batched = "batched"u8.ToArray();
                long immediate = driver.ImmediateSubmitCount;
                OnNewThread(() =>
                {
                    driver.DeferSubmissionsOnThisThread(true);
                    try
                    {
                        Assert.True(registration.TrySend(server, batched, default, out int sent));
                        Assert.Equal(batched.Length, sent);
                        Assert.NotEqual(0u, driver.Unsubmitted); // queued, and no io_uring_enter for it
                        Assert.Equal(immediate, driver.ImmediateSubmitCount);
                        driver.SubmitDeferred();
                        Assert.Equal(0u, driver.Unsubmitted);
                        driver.SubmitDeferred(); // nothing waits: no second enter
                        Assert.Equal(immediate + 1, driver.ImmediateSubmitCount);
                    }
                    finally
                    {
                        driver.DeferSubmissionsOnThisThread(false);
                    }
                });
                Assert.Equal(batched, ReceiveExactly(client, batched.Length));

                // Reap the send's completion (a second send would otherwise only join the one in flight); this
                // thread is then the one that parks.
                var uringRegistration = Assert.IsType<IoUringRegistration>(registration);
                for (int i = 0; i < 3000 && uringRegistration.SendInFlight; i++) driver.Park(10);
                Assert.False(uringRegistration.SendInFlight);
                var now = "now"u8.ToArray();
                OnNewThread(() =>
                {
                    Assert.True(registration.TrySend(server, now, default, out _));
                    Assert.Equal(0u, driver.Unsubmitted); // neither deferring nor the parker: submitted at once
                    Assert.Equal(immediate + 2, driver.ImmediateSubmitCount);
                });
                Assert.Equal(now, ReceiveExactly(client, now.Length));
            }
            finally
            {
                registration.Deregister();
            }
        }
    }

    [Fact]
    public void A_worker_that_sleeps_on_its_monitor_submits_what_it_deferred_first()
    {
        // Another worker holds the driver (here: this thread holds the lock), so the sleeper parks on its monitor; the
        // holder may be blocked in the kernel and never see the sleeper's queued send, so the sleeper must submit it.
        using var driver = AsyncGen.Drivers.Driver.Create(new DriverOptions { Driver = IoDriverKind.IoUring });
        var uring = Assert.IsType<IoUringDriver>(driver.Io);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        client.ReceiveTimeout = 30_000; // fails (SocketException) instead of hanging if the send stayed queued
        using var server = listener.Accept();
        server.Blocking = false;
        var registration = uring.Register(server, connecting: false);
        try
        {
            var driverLock = new Lock();
            var parker = new WorkerParker();
            var payload = "before sleeping"u8.ToArray();
            Exception? failure = null;
            using (driverLock.EnterScope())
            {
                var sleeper = new Thread(() =>
                {
                    uring.DeferSubmissionsOnThisThread(true);
                    try
                    {
                        Assert.True(registration.TrySend(server, payload, default, out _));
                        Assert.False(parker.Park(driver, driverLock)); // on the monitor: the driver is taken
                    }
                    catch (Exception e)
                    {
                        failure = e;
                    }
                    finally
                    {
                        uring.DeferSubmissionsOnThisThread(false);
                    }
                }) { IsBackground = true };
                sleeper.Start();
                try
                {
                    Assert.Equal(payload, ReceiveExactly(client, payload.Length)); // sent while the sleeper sleeps
                }
                finally
                {
                    parker.Unpark(driver);
                    Assert.True(sleeper.Join(TimeSpan.FromSeconds(30)));
                }
            }
            Assert.Null(failure);
        }
        finally
        {
            registration.Deregister();
        }
    }

    private static void OnNewThread(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        if (failure is not null) throw new Xunit.Sdk.XunitException($"on the other thread: {failure}");
    }

    private static byte[] ReceiveExactly(Socket socket, int length)
    {
        var buffer = new byte[length];
        for (int got = 0; got < length;) got += socket.Receive(buffer, got, length - got, SocketFlags.None);
        return buffer;
    }

    private static byte Pattern(long i) => (byte)(i % 251); // a prime period: a lost or repeated chunk shows

    /// <summary>A plain blocking socket on another thread that sends <paramref name="total"/> bytes of <see cref="Pattern"/>.</summary>
    private static Thread StartPatternSender(AsyncTcpListener listener, long total)
    {
        var sender = new Thread(() =>
        {
            using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            peer.Connect(listener.LocalEndPoint);
            var chunk = new byte[32 * 1024];
            for (long sent = 0; sent < total;)
            {
                int n = (int)Math.Min(chunk.Length, total - sent);
                for (int i = 0; i < n; i++) chunk[i] = Pattern(sent + i);
                sent += peer.Send(chunk, 0, n, SocketFlags.None);
            }
        });
        sender.Start();
        return sender;
    }

    private static async Future<long> ReadPattern(AsyncTcpStream stream, long read, long total)
    {
        var buffer = new byte[64 * 1024];
        while (read < total)
        {
            int n = await stream.ReadAsync(buffer);
            if (n == 0) break;
            for (int i = 0; i < n; i++)
                if (buffer[i] != Pattern(read + i)) throw new InvalidDataException($"byte {read + i} is {buffer[i]}, expected {Pattern(read + i)}");
            read += n;
        }
        return read;
    }

    private static async Future<long> ReadPatternAfterASleep(AsyncTcpStream server, long total)
    {
        using (server)
        {
            // One byte arms the multishot receive; then the task sleeps while the peer's bytes fill provided buffers.
            var one = new byte[1];
            Assert.Equal(1, await server.ReadAsync(one));
            Assert.Equal(Pattern(0), one[0]);
            await Time.Sleep(TimeSpan.FromMilliseconds(300));
            return await ReadPattern(server, 1, total);
        }
    }

    private static async Future<long> ReadManyAfterTheRingRanDry(AsyncTcpListener listener, int connections, long each)
    {
        var readers = new List<JoinHandle<long>>();
        for (int i = 0; i < connections; i++) readers.Add(Executor.Spawn(ReadPatternAfterASleep(await listener.AcceptAsync(), each)));
        long total = 0;
        foreach (var reader in readers) total += await reader;
        return total;
    }

    [Fact]
    public void Receives_that_empty_the_buffer_ring_lose_no_byte_are_re_armed_and_return_every_buffer()
    {
        using var executor = IoUringExecutor();
        using var listener = Loopback.Listen();
        // More sleeping readers than the ring has room for at the per-socket cap, each sent twice the cap.
        const int Connections = ProvidedBufferRing.Count / IoUringRegistration.MaxHeldBuffers + 4;
        const long Each = 2L * IoUringRegistration.MaxHeldBuffers * ProvidedBufferRing.BufferSize;
        var senders = Enumerable.Range(0, Connections).Select(_ => StartPatternSender(listener, Each)).ToList();

        Assert.Equal(Connections * Each, executor.BlockOn(ReadManyAfterTheRingRanDry(listener, Connections, Each), s_limit));
        foreach (var sender in senders) sender.Join();

        Assert.True(Driver(executor).StarvedCount > 0, "the ring never ran dry: the test did not exercise ENOBUFS");
        Settle(executor);
        Assert.Equal(Driver(executor).Buffers.Populated, Driver(executor).Buffers.Available);
    }

    [Fact]
    public void A_socket_holds_a_send_buffer_only_while_it_has_bytes_to_send_and_the_next_write_reuses_it()
    {
        using var executor = IoUringExecutor();
        using var listener = Loopback.Listen();
        var driver = Driver(executor);

        Assert.Equal(1000, executor.BlockOn(WriteThenRead(listener, driver, 1000), s_limit));
        Assert.Equal(1, driver.SendBuffers.Allocated);
        Assert.Equal(1, driver.SendBuffers.Idle); // back in the pool once its send completed

        // Another connection's write takes the same buffer; one larger than the buffer refills it on the way.
        Assert.Equal(100_000, executor.BlockOn(WriteThenRead(listener, driver, 100_000), s_limit));
        Assert.Equal(1, driver.SendBuffers.Allocated);
        Assert.Equal(1, driver.SendBuffers.Idle);
    }

    /// <summary>One pair: the server writes <paramref name="length"/> bytes, the client reads and checks them; then waits for the send buffer to come back.</summary>
    private static async Future<int> WriteThenRead(AsyncTcpListener listener, IoUringDriver driver, int length)
    {
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            var message = Enumerable.Range(0, length).Select(i => Pattern(i)).ToArray();
            await server.WriteAllAsync(message);
            var received = new byte[length];
            Assert.Equal(length, await Loopback.ReadFull(client, received));
            Assert.Equal(message, received);
            // The send's completion is reaped by a park; the bytes may have been read in the same one or just before.
            for (int i = 0; i < 1000 && driver.SendBuffers.Idle == 0; i++) await Time.Sleep(TimeSpan.FromMilliseconds(1));
            return received.Length;
        }
    }

    [Fact]
    public void The_buffer_ring_starts_with_its_initial_buffers_and_grows_while_more_sockets_hold_bytes()
    {
        using var executor = IoUringExecutor();
        using var listener = Loopback.Listen(backlog: 1024);
        var driver = Driver(executor);
        Assert.Equal(ProvidedBufferRing.InitialBuffers, driver.Buffers.Populated);
        Assert.Equal(ProvidedBufferRing.InitialBuffers, driver.Buffers.Available);
        Assert.False(driver.Buffers.HugePages || driver.Buffers.HugePagesRefused); // small pages until it grows

        // A few connections that each hold a buffer while their reader sleeps: the initial buffers are enough.
        Assert.Equal(2L * 8, SleepingReaders(listener, executor, 8));
        Assert.Equal(ProvidedBufferRing.InitialBuffers, driver.Buffers.Populated);

        // Three times the initial buffers' worth of sockets holding a buffer each at once: the ring grows (a receive
        // that found it dry meanwhile ends with ENOBUFS and is re-armed by its reader), and loses no byte.
        const int Many = 3 * ProvidedBufferRing.InitialBuffers;
        Assert.Equal(2L * Many, SleepingReaders(listener, executor, Many));
        Assert.InRange(driver.Buffers.Populated, ProvidedBufferRing.InitialBuffers + ProvidedBufferRing.SegmentBuffers, ProvidedBufferRing.Count);
        Assert.Equal(0, driver.Buffers.Populated % ProvidedBufferRing.SegmentBuffers);
        Settle(executor);
        Assert.Equal(driver.Buffers.Populated, driver.Buffers.Available); // every buffer, old and new, came back

        // Grown, it serves many sockets: its buffers were advised for huge pages, or the fallback is counted.
        bool thp = !ProvidedBufferRing.TransparentHugePagesDisabled();
        Assert.Equal(thp, driver.Buffers.HugePages);
        Assert.Equal(thp ? 0 : 1, Driver(executor).HugePageFallbackCount);
    }

    [Fact]
    public unsafe void Provided_buffers_lie_a_cache_line_apart_beyond_their_size_so_their_first_lines_cover_every_line_of_a_page()
    {
        using var executor = IoUringExecutor();
        var buffers = Driver(executor).Buffers;
        Assert.Equal(ProvidedBufferRing.BufferSize + 64, ProvidedBufferRing.BufferStride);
        var lineOffsets = new HashSet<long>();
        for (int id = 0; id < ProvidedBufferRing.SegmentBuffers; id++)
        {
            long address = (long)buffers.Address((ushort)id);
            // Consecutive buffers of a segment never overlap: each keeps its BufferSize bytes.
            if (id > 0) Assert.Equal(ProvidedBufferRing.BufferStride, address - (long)buffers.Address((ushort)(id - 1)));
            lineOffsets.Add(address % 4096 / 64);
        }
        // Page-aligned buffers would all start at line 0 of their page (one cache set); these start at each of its 64.
        Assert.Equal(ProvidedBufferRing.SegmentBuffers, lineOffsets.Count);
    }

    /// <summary>
    /// <paramref name="connections"/> clients send 2 bytes each; each server-side reader takes one byte (arming its
    /// receive), sleeps while the second lands in a provided buffer, then reads it. Returns the bytes read.
    /// </summary>
    private static long SleepingReaders(AsyncTcpListener listener, LocalExecutor executor, int connections)
    {
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < connections; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                client.Connect(listener.LocalEndPoint);
                client.Send([Pattern(0), Pattern(1)]);
            }
            return executor.BlockOn(ReadManyAfterTheRingRanDry(listener, connections, 2), s_limit);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private static async Future<(long Read, int MostHeld, long Echoed)> SlowReaderBesideAnEcho(AsyncTcpListener listener, IoUringDriver driver, long total)
    {
        using var slow = await listener.AcceptAsync();
        var one = new byte[1];
        Assert.Equal(1, await slow.ReadAsync(one)); // arms the receive; then nobody reads while the sender goes on
        while (driver.ReceivePausedCount == 0) await Time.Sleep(TimeSpan.FromMilliseconds(1));
        await Time.Sleep(TimeSpan.FromMilliseconds(100)); // completions already on their way land
        int mostHeld = driver.BuffersOut;

        // Another socket still receives while the slow one holds its share.
        var (client, server) = await Loopback.Pair(listener);
        long echoed;
        using (client)
        using (server)
        {
            var message = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
            await client.WriteAllAsync(message);
            var received = new byte[message.Length];
            Assert.Equal(message.Length, await Loopback.ReadFull(server, received));
            Assert.Equal(message, received);
            echoed = received.Length;
        }
        return (await ReadPattern(slow, 1, total), mostHeld, echoed);
    }

    [Fact]
    public void A_slow_reader_holds_at_most_its_cap_of_provided_buffers_and_its_receive_resumes_when_it_reads()
    {
        using var executor = IoUringExecutor();
        using var listener = Loopback.Listen();
        long total = 2L * ProvidedBufferRing.Count * ProvidedBufferRing.BufferSize; // twice the whole ring
        var sender = StartPatternSender(listener, total);

        var (read, mostHeld, echoed) = executor.BlockOn(SlowReaderBesideAnEcho(listener, Driver(executor), total), s_limit);
        sender.Join();

        Assert.Equal(total, read); // no byte lost or repeated across pauses and re-arms
        Assert.Equal(100_000, echoed);
        // The cap, plus the completions the kernel posted before it processed the cancel (up to one retry batch).
        Assert.InRange(mostHeld, IoUringRegistration.MaxHeldBuffers, IoUringRegistration.MaxHeldBuffers + 32);
        Assert.Equal(0, Driver(executor).StarvedCount);
        Assert.True(Driver(executor).ReceivePausedCount >= 2, "the receive was paused once at most: re-arming was not exercised");
        Settle(executor);
        Assert.Equal(Driver(executor).Buffers.Populated, Driver(executor).Buffers.Available);
    }

    private static async Future<int> AcceptBurst(AsyncTcpListener listener, int connections)
    {
        var clients = new List<Socket>();
        try
        {
            // Every connection is queued before the first accept is polled: the multishot accept then posts them all
            // in one park, far more than a 16-entry CQ holds.
            for (int i = 0; i < connections; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                client.Connect(listener.LocalEndPoint);
            }
            int accepted = 0;
            for (int i = 0; i < connections; i++)
            {
                using var stream = await listener.AcceptAsync();
                await stream.WriteAllAsync(new byte[] { 42 });
                accepted++;
            }
            foreach (var client in clients)
            {
                var one = new byte[1];
                Assert.Equal(1, client.Receive(one));
                Assert.Equal(42, one[0]);
            }
            return accepted;
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Fact]
    public void A_completion_queue_overflow_loses_no_completion()
    {
        using var executor = IoUringExecutor(entries: 4); // SQ 4, CQ 16
        using var listener = Loopback.Listen(backlog: 256);
        Assert.Equal(200, executor.BlockOn(AcceptBurst(listener, 200), s_limit));
        Assert.True(Driver(executor).CqOverflowCount > 0, "the CQ never overflowed: the test did not exercise it");
        Settle(executor);
    }

    private static async Future<long> CancelReadsWhileBytesArrive(AsyncTcpListener listener, Socket peer, long total)
    {
        using var server = await listener.AcceptAsync();
        var buffer = new byte[1000];
        long read = 0;
        int cancelled = 0;
        while (read < total)
        {
            // Every other read is given up after 1 ms, whatever is in flight: the bytes stay for the next read.
            if (cancelled++ % 2 == 0)
            {
                try
                {
                    int quick = await Time.Timeout(server.ReadAsync(buffer), TimeSpan.FromMilliseconds(1));
                    Check(buffer, quick, read);
                    read += quick;
                }
                catch (TimeoutException)
                {
                }
                continue;
            }
            int n = await server.ReadAsync(buffer);
            if (n == 0) break;
            Check(buffer, n, read);
            read += n;
        }
        return read;

        static void Check(byte[] buffer, int n, long offset)
        {
            for (int i = 0; i < n; i++)
                if (buffer[i] != Pattern(offset + i)) throw new InvalidDataException($"byte {offset + i} lost or repeated");
        }
    }

    [Fact]
    public void Cancelling_reads_while_bytes_are_in_flight_loses_no_byte()
    {
        using var executor = IoUringExecutor();
        using var listener = Loopback.Listen();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint);
        const long Total = 1 << 20;
        var sender = new Thread(() =>
        {
            var chunk = new byte[777];
            for (long sent = 0; sent < Total;)
            {
                int n = (int)Math.Min(chunk.Length, Total - sent);
                for (int i = 0; i < n; i++) chunk[i] = Pattern(sent + i);
                sent += peer.Send(chunk, 0, n, SocketFlags.None);
            }
        });
        sender.Start();
        Assert.Equal(Total, executor.BlockOn(CancelReadsWhileBytesArrive(listener, peer, Total), s_limit));
        sender.Join();
    }

    private static async Future<int> WriteThenDispose(AsyncTcpListener listener, int size)
    {
        var (client, server) = await Loopback.Pair(listener);
        using (server)
        {
            var data = new byte[size];
            for (int i = 0; i < size; i++) data[i] = Pattern(i);
            await client.WriteAllAsync(data); // returns once copied: most bytes are still in the driver's send buffer
            client.Dispose();                  // the send completes anyway: the driver owns those bytes until then
            var received = new byte[size + 1];
            int n = await Loopback.ReadFull(server, received);
            for (int i = 0; i < n; i++) Assert.Equal(Pattern(i), received[i]);
            return n;
        }
    }

    [Fact]
    public void Bytes_written_before_dispose_reach_the_peer_before_end_of_stream()
    {
        using var executor = IoUringExecutor();
        using var listener = Loopback.Listen();
        Assert.Equal(1 << 20, executor.BlockOn(WriteThenDispose(listener, 1 << 20), s_limit));
        Settle(executor);
    }

    private static async Future<int> ShutdownAfterWrite(AsyncTcpListener listener)
    {
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            await client.WriteAllAsync(new byte[100_000]);
            client.Shutdown(SocketShutdown.Send); // the FIN must follow the buffered bytes, not overtake them
            return await Loopback.ReadFull(server, new byte[100_001]);
        }
    }

    [Fact]
    public void Shutdown_after_a_write_sends_the_buffered_bytes_before_end_of_stream()
    {
        using var executor = IoUringExecutor();
        using var listener = Loopback.Listen();
        Assert.Equal(100_000, executor.BlockOn(ShutdownAfterWrite(listener), s_limit));
    }

    private static async Future<int> AcceptTwoOneAtATime(AsyncTcpListener listener)
    {
        var first = await listener.AcceptAsync();
        first.Dispose(); // its descriptor is free again for the second
        using var second = await listener.AcceptAsync();
        return 2;
    }

    private static List<Socket> ConnectTwo(AsyncTcpListener listener)
    {
        var clients = new List<Socket>();
        for (int i = 0; i < 2; i++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            clients.Add(client);
            client.Connect(listener.LocalEndPoint); // queued in the kernel before the first accept
        }
        return clients;
    }

    [Fact]
    public void An_accept_error_met_while_accepting_ahead_of_the_reader_is_not_reported_to_the_next_accept()
    {
        // One descriptor free and two connections queued: the multishot accept takes the first and ends on EMFILE for
        // the second, before anyone asked for it. The reader then frees a descriptor and accepts again: that accept
        // must be tried afresh, not fail with the stale EMFILE (a second burst the work-stealing EMFILE test saw).
        using var executor = IoUringExecutor();
        using var warm = Loopback.Listen();
        var clients = ConnectTwo(warm);
        Assert.Equal(2, executor.BlockOn(AcceptTwoOneAtATime(warm), s_limit)); // JIT everything first
        // A new listener: the warm one's multishot accept stays armed, with the limit of when it was submitted.
        using var listener = Loopback.Listen();
        clients.AddRange(ConnectTwo(listener));
        var spare = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using (FileDescriptorLimit.Exhausted())
            {
                spare.Dispose();
                Assert.Equal(2, executor.BlockOn(AcceptTwoOneAtATime(listener), s_limit));
            }
        }
        finally
        {
            spare.Dispose();
            foreach (var client in clients) client.Dispose();
        }
    }

    [Fact]
    public void Disposing_the_executor_closes_the_ring_and_eventfd()
    {
        IoUringExecutor().Dispose();
        var before = Loopback.OpenDescriptors();
        for (int i = 0; i < 20; i++)
        {
            using var executor = IoUringExecutor();
            executor.BlockOn(EchoOnce(10), s_limit);
        }
        Assert.Equal(before, Loopback.OpenDescriptors());
    }

    [Fact]
    public void A_socket_deregistered_after_its_driver_was_disposed_recycles_nothing_into_the_freed_buffers()
    {
        // A socket that outlives its executor (owned by another thread, or by Task code through AsStream) is disposed
        // or re-registered after the driver freed its provided buffers: its unread chunks must not go back into them.
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        using var server = listener.Accept();
        server.Blocking = false;
        var registration = Assert.IsType<IoUringRegistration>(driver!.Register(server, connecting: false));
        using var woken = new ThreadSignal();
        Assert.False(registration.TryReceive(server, new byte[4], woken.Waker, out _)); // arms the multishot receive
        client.Send(new byte[10_000]);
        for (int i = 0; i < 3000 && registration.HeldBuffers == 0; i++) driver.Park(10);
        Assert.True(registration.HeldBuffers > 0);
        var buffers = driver.Buffers;

        driver.Dispose(); // the executor is gone; the socket lives on, its bytes unread
        Assert.Equal(0, registration.HeldBuffers);
        Assert.True(driver.UnreadBytesDroppedAtDispose > 0); // counted, not silently lost
        int available = buffers.Available;
        registration.Deregister(); // EventedSocket.Dispose, or its re-registration with the next executor's driver
        Assert.Equal(available, buffers.Available); // before the fix: recycled (written) into the freed ring
        Assert.False(buffers.Recycle(0)); // and a late recycle of any id writes nothing
        Assert.Equal(available, buffers.Available);
    }
}
