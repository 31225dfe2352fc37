using System.Diagnostics.Tracing;
using System.Net;
using System.Net.Sockets;
using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Drivers.IoUring;
using AsyncGen.Executors;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>
/// io_uring under a work-stealing executor: a ring per worker (src/Runtime/Executors/WorkStealing/README.md, "A ring
/// per worker"): each worker submits to and sleeps in its own ring, a socket's receive stays on the ring it was armed
/// on while its task moves, and a ring that cannot be created falls back to one shared ring, visibly.
/// </summary>
[Collection(SerialCollection.Name)] // EventListener, descriptor counts
public class IoUringWorkerRingTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    /// <summary>ENOMEM: what io_uring_setup answers when the ring's memory cannot be had (RLIMIT_MEMLOCK before 5.12).</summary>
    private const int ENOMEM = 12;

    private static WorkStealingExecutor TwoWorkers(int simulatedErrno = 0) =>
        new(workerCount: 2, new DriverOptions { Driver = IoDriverKind.IoUring, SimulatedWorkerRingErrno = simulatedErrno });

    private static IoUringDriver Uring(WorkStealingExecutor executor) => Assert.IsType<IoUringDriver>(executor.Driver.Io);

    private sealed class DriverWarningListener : EventListener
    {
        public readonly List<string> Fallbacks = [];
        public readonly List<string> Leaks = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "AsyncGen") EnableEvents(source, EventLevel.Warning);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName == "DriverFallback") lock (Fallbacks) Fallbacks.Add($"{e.Payload![0]} -> {e.Payload[1]}: {e.Payload[2]}");
            if (e.EventName == "DriverMemoryLeaked") lock (Leaks) Leaks.Add($"{e.Payload![0]}: {e.Payload[1]} in flight, {e.Payload[2]} ring(s) not drained");
        }
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_worker_ring_its_worker_never_drained_is_leaked_at_dispose_and_reported(bool workerExitsItsRing)
    {
        // A worker thread that ended without ExitWorker (it died) leaves its ring unretired: Dispose must not free
        // memory the kernel could still write to, and must say so; a worker that exited drained its ring.
        using var listener = new DriverWarningListener();
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        Assert.True(driver!.TryCreateWorkerRings(2));
        IParker? entered = null;
        var worker = new Thread(() =>
        {
            entered = driver.EnterWorker(1);
            if (workerExitsItsRing) driver.ExitWorker();
        });
        worker.Start();
        Assert.True(worker.Join(s_limit));
        Assert.NotNull(entered);

        driver.Dispose();

        Assert.Equal(!workerExitsItsRing, driver.LeakedAtDispose);
        lock (listener.Leaks)
        {
            if (workerExitsItsRing) Assert.Empty(listener.Leaks);
            else Assert.Equal(["IoUring: 0 in flight, 1 ring(s) not drained"], listener.Leaks);
        }
    }

    [Fact]
    public void Each_of_two_workers_gets_a_ring_of_its_own_and_sockets_work_on_them()
    {
        using var listener = new DriverWarningListener();
        using var executor = TwoWorkers();

        Assert.Equal(3, Uring(executor).InstanceCount); // the driver's shared ring, and one for each worker
        Assert.Equal(0, Uring(executor).SharedRingFallbackCount);
        Assert.False(Uring(executor).WorkerInstance(0).Batched || Uring(executor).WorkerInstance(1).Batched); // opt-in
        Assert.Empty(listener.Fallbacks);
        Assert.Equal(100_000, executor.BlockOn(EchoOnce(100_000), s_limit));
    }

    [Fact]
    public void Batched_worker_rings_are_single_issuer_wait_for_batches_and_serve()
    {
        using var listener = new DriverWarningListener();
        using var executor = new WorkStealingExecutor(2, new DriverOptions { Driver = IoDriverKind.IoUring, BatchedWorkerRings = true });
        var driver = Uring(executor);
        Assert.True(driver.WorkerInstance(0).SingleIssuer && driver.WorkerInstance(1).SingleIssuer);
        Assert.True(driver.WorkerInstance(0).Batched && driver.WorkerInstance(1).Batched);
        Assert.Equal(0, driver.BatchedWaitFallbackCount);
        Assert.Empty(listener.Fallbacks);
        Assert.Equal(100_000, executor.BlockOn(EchoOnce(100_000), s_limit));
        Assert.Equal(0, driver.ForeignRingSubmitCount); // SINGLE_ISSUER would have refused one (EEXIST)
    }

    [Fact]
    public void A_worker_ring_that_cannot_be_created_leaves_every_worker_on_the_shared_ring_with_an_event_and_a_counter()
    {
        using var listener = new DriverWarningListener();
        using var executor = TwoWorkers(simulatedErrno: ENOMEM);

        Assert.Equal(IoDriverKind.IoUring, executor.IoDriver);
        Assert.Equal(1, Uring(executor).InstanceCount);
        Assert.Equal(1, Uring(executor).SharedRingFallbackCount);
        var fallback = Assert.Single(listener.Fallbacks);
        Assert.StartsWith("IoUring ring per worker -> IoUring shared ring: ", fallback);
        Assert.Contains("errno 12", fallback);
        Assert.Equal(100_000, executor.BlockOn(EchoOnce(100_000), s_limit)); // the shared ring still serves both workers
    }

    [Fact]
    public void A_receive_armed_on_one_workers_ring_delivers_every_byte_after_its_task_moved_to_another_worker()
    {
        // Driven by hand, so the move is certain: "worker 0" arms the multishot receive on its ring; the bytes that
        // ring delivers are then read by "worker 1", whose own send goes out on its own ring; deregistering from worker
        // 1 cancels the receive on worker 0's ring, where it lives.
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            Assert.True(driver!.TryCreateWorkerRings(2));
            using var listener = Listening();
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            client.ReceiveTimeout = 30_000;
            using var server = listener.Accept();
            server.Blocking = false;
            var registration = Assert.IsType<IoUringRegistration>(driver.Register(server, connecting: false));
            using var woken = new ThreadSignal();
            var worker0 = new WorkerThread(driver, 0);
            var worker1 = new WorkerThread(driver, 1);
            try
            {
                var buffer = new byte[64];
                worker0.Run(() => Assert.False(registration.TryReceive(server, buffer, woken.Waker, out _))); // armed on ring 0
                int received = 0;
                // Read on the worker whose ring received it: not a cross-ring read.
                client.Send("zero"u8);
                worker0.Run(() => ParkUntil(driver, () => registration.HeldBuffers > 0));
                Assert.True(woken.Wait(TimeSpan.FromSeconds(30)));
                worker0.Run(() => Assert.True(registration.TryReceive(server, buffer, woken.Waker, out received)));
                Assert.Equal("zero"u8.ToArray(), buffer[..received]);
                Assert.Equal(0, driver.CrossRingReadCount);
                worker0.Run(() => Assert.False(registration.TryReceive(server, buffer, woken.Waker, out _)));
                client.Send("first"u8);
                worker0.Run(() => ParkUntil(driver, () => registration.HeldBuffers > 0));
                Assert.True(woken.Wait(TimeSpan.FromSeconds(30)));

                // The task now runs on worker 1: it reads what ring 0 received, then waits; ring 0 keeps receiving.
                worker1.Run(() => Assert.True(registration.TryReceive(server, buffer, woken.Waker, out received)));
                Assert.Equal("first"u8.ToArray(), buffer[..received]);
                Assert.Equal(1, driver.CrossRingReadCount); // ring 0's bytes, read on worker 1 (its own ring is ring 1)
                Assert.Equal(1, driver.WorkerInstance(1).CrossRingReadCount);
                worker1.Run(() => Assert.False(registration.TryReceive(server, buffer, woken.Waker, out _)));
                client.Send("second"u8);
                worker0.Run(() => ParkUntil(driver, () => registration.HeldBuffers > 0)); // only ring 0 sees it
                Assert.True(woken.Wait(TimeSpan.FromSeconds(30)));
                worker1.Run(() => Assert.True(registration.TryReceive(server, buffer, woken.Waker, out received)));
                Assert.Equal("second"u8.ToArray(), buffer[..received]);
                Assert.Equal(2, driver.CrossRingReadCount);
                var metrics = new ExecutorMetrics(AsyncGenMetrics.WorkStealingKind, threads: 2, () => 0, () => 0, _ => 0) { IoDriver = driver };
                try
                {
                    Assert.Equal(2, MeterReading(metrics, "asyncgen.io.cross_ring_reads")); // the Meter's too, per executor
                }
                finally
                {
                    metrics.Unregister();
                }

                // Worker 1's send goes to its own ring, and is submitted with its next turn there.
                worker1.Run(() =>
                {
                    Assert.True(registration.TrySend(server, "reply"u8, default, out _));
                    ParkUntil(driver, () => !registration.SendInFlight);
                });
                Assert.Equal("reply"u8.ToArray(), ReceiveExactly(client, 5));

                // The receive's cancel goes to ring 0, left there for worker 0 (no SQE names the fd, so nothing is
                // entered from worker 1); worker 0's next turn submits it.
                worker1.Run(registration.Deregister);
                Assert.Equal(1, driver.ForwardedSubmitCount);
                Assert.Equal(1u, driver.WorkerInstance(0).Unsubmitted);
                worker0.Run(() => ParkUntil(driver, () => driver.LingeringCount == 0));
                Assert.Equal(0, driver.ForeignRingSubmitCount);
                Assert.Equal(0, driver.BuffersOut);
            }
            finally
            {
                worker0.Dispose();
                worker1.Dispose();
                registration.Deregister();
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void With_accepting_ring_placement_a_socket_receives_on_the_ring_of_the_worker_that_accepted_it(bool accepting)
    {
        // Driven by hand: worker 0 accepts the connection, worker 1 polls it first (as when it steals a burst of new
        // connections' tasks). With DriverOptions.ReceiveOnAcceptingRing the receive is armed on ring 0, left in its SQ
        // for worker 0 (a forwarded submit, no foreign enter), and only ring 0 delivers the bytes; without it, on ring 1.
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            driver!.ReceiveOnAcceptingRing = accepting;
            Assert.True(driver.TryCreateWorkerRings(2));
            using var listener = Listening();
            var listening = Assert.IsType<IoUringRegistration>(driver.Register(listener, connecting: false));
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            using var woken = new ThreadSignal();
            var worker0 = new WorkerThread(driver, 0);
            var worker1 = new WorkerThread(driver, 1);
            Socket? server = null;
            IoUringRegistration? registration = null;
            try
            {
                worker0.Run(() =>
                {
                    Socket? accepted = null;
                    for (int i = 0; i < 3000 && !listening.TryAccept(listener, woken.Waker, out accepted); i++) driver.Park(10);
                    server = Assert.IsType<Socket>(accepted);
                });
                server!.Blocking = false;
                long forwarded = driver.ForwardedSubmitCount;
                worker1.Run(() =>
                {
                    registration = Assert.IsType<IoUringRegistration>(driver.Register(server, connecting: false));
                    Assert.False(registration.TryReceive(server, new byte[64], woken.Waker, out _));
                });
                Assert.Equal(accepting ? 1 : 0, driver.AcceptingRingPlacementCount);
                Assert.Equal(accepting ? 1 : 0, driver.ForwardedSubmitCount - forwarded); // the receive, left for worker 0

                client.Send("ping"u8);
                (accepting ? worker0 : worker1).Run(() => ParkUntil(driver, () => registration!.HeldBuffers > 0));
                Assert.True(woken.Wait(TimeSpan.FromSeconds(30)));
                var buffer = new byte[64];
                int received = 0;
                worker1.Run(() => Assert.True(registration!.TryReceive(server, buffer, woken.Waker, out received)));
                Assert.Equal("ping"u8.ToArray(), buffer[..received]);
                Assert.Equal(accepting ? 1 : 0, driver.CrossRingReadCount); // ring 0's bytes read on worker 1
                Assert.Equal(0, driver.ForeignRingSubmitCount);
            }
            finally
            {
                worker0.Dispose();
                worker1.Dispose();
                registration?.Deregister();
                listening.Deregister();
                server?.Dispose();
            }
        }
    }

    /// <summary>A TCP socket listening on a loopback port the system picks (backlog as <see cref="Socket.Listen(int)"/>).</summary>
    private static Socket Listening(int backlog = int.MaxValue)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(backlog);
        return listener;
    }

    private static (Socket Client, Socket Server) Pair(Socket listener)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        server.Blocking = false;
        return (client, server);
    }

    [Fact]
    public void A_receive_starved_on_one_ring_is_rearmed_when_a_reader_on_another_worker_returns_its_buffers()
    {
        // Ring 0's buffers all hold bytes of filler sockets; a reader's receive on ring 0 then ends with ENOBUFS, and
        // ring 0's worker sleeps without a deadline. The fillers' readers run on worker 1: their recycling must wake
        // ring 0, whose park re-arms the starved receive (before the fix nothing did, and the reader waited forever).
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            Assert.True(driver!.TryCreateWorkerRings(2));
            using var listener = Listening(100);
            // 24 × 64 held buffers (the per-socket cap) > the ring's 1,024: the fillers take every buffer.
            const int Fillers = 24;
            var pairs = Enumerable.Range(0, Fillers + 1).Select(_ => Pair(listener)).ToArray();
            var registrations = pairs.Select(p => Assert.IsType<IoUringRegistration>(driver.Register(p.Server, connecting: false))).ToArray();
            var starved = registrations[Fillers];
            using var starvedWoken = new ThreadSignal();
            using var ignored = new ThreadSignal();
            var worker0 = new WorkerThread(driver, 0);
            var worker1 = new WorkerThread(driver, 1);
            var senders = new List<Thread>();
            try
            {
                var one = new byte[1];
                worker0.Run(() =>
                {
                    for (int i = 0; i < Fillers; i++) Assert.False(registrations[i].TryReceive(pairs[i].Server, one, ignored.Waker, out _));
                });
                var payload = new byte[200_000];
                foreach (var (client, _) in pairs.Take(Fillers))
                {
                    var sender = new Thread(() =>
                    {
                        try
                        {
                            client.Send(payload);
                        }
                        catch (SocketException)
                        {
                            // closed by the cleanup below while blocked: the test is over
                        }
                        catch (ObjectDisposedException)
                        {
                        }
                    }) { IsBackground = true };
                    sender.Start();
                    senders.Add(sender);
                }
                worker0.Run(() => ParkUntil(driver, () => driver.BuffersOut == ProvidedBufferRing.Count));
                worker0.Run(() => Assert.False(starved.TryReceive(pairs[Fillers].Server, one, starvedWoken.Waker, out _)));
                long starvedBefore = driver.StarvedCount;
                pairs[Fillers].Client.Send([42]);
                worker0.Run(() => ParkUntil(driver, () => driver.StarvedCount > starvedBefore));

                // Worker 0 sleeps in its ring without a deadline, then turns it until the reader has its byte.
                worker0.Start(() =>
                {
                    driver.Park(Timeout.Infinite);
                    ParkUntil(driver, () => starved.HeldBuffers > 0);
                });
                var ring0 = driver.WorkerInstance(0);
                SpinWait.SpinUntil(() => ring0.HasParker, TimeSpan.FromSeconds(30));
                Thread.Sleep(50); // into the kernel (the test is only weaker, never wrong, if it is not yet there)
                worker1.Run(() =>
                {
                    var big = new byte[1 << 20];
                    for (int i = 0; i < Fillers; i++)
                    {
                        while (registrations[i].HeldBuffers > 0) registrations[i].TryReceive(pairs[i].Server, big, ignored.Waker, out _);
                    }
                });
                bool woken = starvedWoken.Wait(TimeSpan.FromSeconds(30));
                if (!woken) driver.Unpark(); // release worker 0 (the last driver turn was its ring) so the test ends
                Assert.True(woken, "the reader starved on ring 0 was not woken after worker 1 returned ring 0's buffers");
                Assert.True(worker0.Finish(TimeSpan.FromSeconds(60)));
                int received = 0;
                worker0.Run(() => Assert.True(starved.TryReceive(pairs[Fillers].Server, one, ignored.Waker, out received)));
                Assert.Equal(1, received);
                Assert.Equal(42, one[0]);
            }
            finally
            {
                if (worker0.Running) driver.Unpark();
                worker0.Dispose();
                worker1.Dispose();
                foreach (var registration in registrations) registration.Deregister();
                foreach (var (client, server) in pairs)
                {
                    client.Dispose();
                    server.Dispose();
                }
                foreach (var sender in senders) Assert.True(sender.Join(TimeSpan.FromSeconds(30)));
            }
        }
    }

    [Fact]
    public void A_deferred_receive_naming_the_closing_fd_is_pointed_at_a_duplicate_without_entering_the_workers_ring()
    {
        // Worker 1 deferred a receive naming the fd into its own ring; another thread closes the socket. It may not
        // enter ring 1 (SINGLE_ISSUER refuses it; an enter would run the ring's completion work on the closer), and
        // the SQE may not name the number after the close: it is pointed at a duplicate the registration keeps until
        // the receive's last completion, and nothing enters ring 1 but its worker. Rings without a file table here: a
        // receive naming its table entry needs no duplicate (IoUringFileTableTests); SQEs name fds on kernels before 5.19.
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver, fileTableErrno: IoUringNative.EINVAL));
        using (driver)
        {
            Assert.True(driver!.TryCreateWorkerRings(2));
            using var listener = Listening();
            var (client, server) = Pair(listener);
            using (client)
            using (server)
            {
                var registration = Assert.IsType<IoUringRegistration>(driver.Register(server, connecting: false));
                int fd = registration.Fd;
                using var woken = new ThreadSignal();
                var worker1 = new WorkerThread(driver, 1);
                var ring1 = driver.WorkerInstance(1);
                try
                {
                    uint deferred = 0;
                    worker1.Run(() =>
                    {
                        Assert.False(registration.TryReceive(server, new byte[1], woken.Waker, out _)); // deferred on ring 1
                        deferred = driver.Unsubmitted;
                    });
                    Assert.Equal(1u, deferred);
                    Assert.True(ring1.HasUnsubmittedNaming(fd));
                    int descriptors = Loopback.OpenDescriptors().Length;
                    registration.Deregister();
                    Assert.Equal(0, driver.ForeignRingSubmitCount);
                    Assert.Equal(2u, ring1.Unsubmitted); // the receive, now naming the duplicate, and its cancel
                    Assert.False(ring1.HasUnsubmittedNaming(fd));
                    int duplicate = registration.LingerFd;
                    Assert.True(duplicate >= 0 && duplicate != fd);
                    Assert.True(ring1.HasUnsubmittedNaming(duplicate));
                    Assert.Equal(descriptors + 1, Loopback.OpenDescriptors().Length);
                    Assert.Equal(1, driver.ForwardedSubmitCount); // the cancel
                    // Both are the Meter's too, per executor (review finding 10): here an executor's metrics over this driver.
                    var metrics = new ExecutorMetrics(AsyncGenMetrics.WorkStealingKind, threads: 2, () => 0, () => 0, _ => 0) { IoDriver = driver };
                    try
                    {
                        Assert.Equal(1, MeterReading(metrics, "asyncgen.io.forwarded_submits"));
                        Assert.Equal(0, MeterReading(metrics, "asyncgen.io.foreign_ring_submits"));
                    }
                    finally
                    {
                        metrics.Unregister();
                    }
                    // Worker 1's next turns submit both; the receive ends cancelled and the duplicate closes with it.
                    worker1.Run(() => ParkUntil(driver, () => driver.LingeringCount == 0));
                    Assert.Equal(descriptors, Loopback.OpenDescriptors().Length); // the duplicate closed with it
                    Assert.Equal(0, driver.ForeignRingSubmitCount);
                }
                finally
                {
                    worker1.Dispose();
                    registration.Deregister();
                }
            }
        }
    }

    [Fact]
    public void A_deferred_receive_naming_its_file_table_entry_needs_no_duplicate_when_the_fd_closes()
    {
        // As above, with the rings' file tables (the default): the deferred receive names the socket's entry in ring
        // 1's table, which holds the socket until the receive's last completion, so the close path points nothing
        // elsewhere and duplicates no fd; the entry is cleared once that completion arrived.
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            Assert.True(driver!.TryCreateWorkerRings(2));
            using var listener = Listening();
            var (client, server) = Pair(listener);
            using (client)
            using (server)
            {
                var registration = Assert.IsType<IoUringRegistration>(driver.Register(server, connecting: false));
                int fd = registration.Fd;
                using var woken = new ThreadSignal();
                var worker1 = new WorkerThread(driver, 1);
                var ring1 = driver.WorkerInstance(1);
                try
                {
                    worker1.Run(() => Assert.False(registration.TryReceive(server, new byte[1], woken.Waker, out _))); // deferred on ring 1
                    Assert.Equal(1u, ring1.Unsubmitted);
                    Assert.False(ring1.HasUnsubmittedNaming(fd)); // it names the table entry, not the fd
                    Assert.Equal(1, ring1.FilesInstalled);
                    registration.Deregister();
                    Assert.Equal(-1, registration.LingerFd);
                    Assert.Equal(2u, ring1.Unsubmitted); // the receive and its cancel, left for worker 1
                    Assert.Equal(1, ring1.FilesInstalled); // until the receive's last completion
                    worker1.Run(() => ParkUntil(driver, () => driver.LingeringCount == 0));
                    Assert.Equal(0, ring1.FilesInstalled);
                    Assert.Equal(0, driver.ForeignRingSubmitCount);
                }
                finally
                {
                    worker1.Dispose();
                    registration.Deregister();
                }
            }
        }
    }

    [Fact]
    public void A_cancel_left_for_a_worker_asleep_in_its_ring_wakes_it_to_submit_it()
    {
        // Worker 0 sleeps in its ring without a deadline, and nothing will complete there; worker 1 deregisters the
        // socket whose receive lives on ring 0. The cancel is left in ring 0's SQ: only waking worker 0 gets it to
        // the kernel (until then the receive holds the socket open, and the peer never sees it close).
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            Assert.True(driver!.TryCreateWorkerRings(2));
            using var listener = Listening();
            var (client, server) = Pair(listener);
            using (client)
            using (server)
            {
                var registration = Assert.IsType<IoUringRegistration>(driver.Register(server, connecting: false));
                using var woken = new ThreadSignal();
                var worker0 = new WorkerThread(driver, 0);
                var worker1 = new WorkerThread(driver, 1);
                try
                {
                    worker0.Run(() =>
                    {
                        Assert.False(registration.TryReceive(server, new byte[1], woken.Waker, out _));
                        driver.SubmitDeferred();
                    });
                    worker0.Start(() => driver.Park(Timeout.Infinite)); // ring 0, no timer: only an unpark ends it
                    while (!driver.WorkerInstance(0).HasParker) Thread.Yield();
                    worker1.Run(registration.Deregister);
                    Assert.Equal(1, driver.ForwardedSubmitCount);
                    Assert.True(worker0.Finish(TimeSpan.FromSeconds(10)), "the worker asleep in ring 0 was not woken for the cancel left there");
                    worker0.Run(() => ParkUntil(driver, () => driver.LingeringCount == 0)); // its next turn submits it
                    Assert.Equal(0, driver.ForeignRingSubmitCount);
                }
                finally
                {
                    driver.WorkerInstance(0).Unpark(); // a failed run leaves worker 0 asleep: let it end
                    worker0.Dispose();
                    worker1.Dispose();
                    registration.Deregister();
                }
            }
        }
    }

    [Fact]
    public void A_worker_drains_its_ring_before_it_ends_so_nothing_is_left_for_another_thread_to_enter()
    {
        // A SINGLE_ISSUER ring can be entered by its worker only: before the worker ends, it cancels everything there
        // and turns the ring until every request's last completion. Afterwards the socket's receive is over (its
        // Deregister queues no cancel), and an SQE that still addresses the ring goes to the shared ring instead.
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            Assert.True(driver!.TryCreateWorkerRings(2));
            using var listener = Listening();
            var (client, server) = Pair(listener);
            using (client)
            using (server)
            {
                var registration = Assert.IsType<IoUringRegistration>(driver.Register(server, connecting: false));
                using var woken = new ThreadSignal();
                var worker1 = new WorkerThread(driver, 1);
                try
                {
                    worker1.Run(() =>
                    {
                        Assert.False(registration.TryReceive(server, new byte[1], woken.Waker, out _));
                        driver.SubmitDeferred(); // armed in the kernel: nothing of it waits in the SQ
                    });
                    Assert.Equal(1, registration.InFlight);
                }
                finally
                {
                    worker1.Dispose(); // its worker ends: it drains ring 1 first
                }
                var ring1 = driver.WorkerInstance(1);
                Assert.True(ring1.Retired);
                Assert.Equal(0, registration.InFlight); // the receive ended (cancelled) on ring 1, reaped by its worker
                Assert.True(woken.Wait(TimeSpan.FromSeconds(30))); // and its reader was woken to see that
                registration.Deregister();
                Assert.Equal(0, driver.LingeringCount); // nothing in flight: freed at once, no cancel queued
                Assert.Equal(0, driver.ForwardedSubmitCount);
                Assert.Same(driver.SharedInstance, ring1.QueueCancel(0)); // a retired ring takes no SQE
                Assert.Equal(0u, ring1.Unsubmitted);
                Assert.Equal(0, driver.ForeignRingSubmitCount);
            }
        }
    }

    [Fact]
    public void A_thread_that_finds_a_workers_submission_queue_full_leaves_its_sqes_aside_and_wakes_the_worker()
    {
        // An 8-entry SQ, and another thread queues 20 cancels into worker 0's ring: it may neither enter the ring nor
        // wait for the worker (it could hold a lock the worker needs), so what does not fit is left aside, the
        // worker is woken, and the worker's turns move it into the SQ and submit it.
        Assert.Equal(0, IoUringDriver.TryCreate(8, out var driver));
        using (driver)
        {
            Assert.True(driver!.TryCreateWorkerRings(2));
            var worker0 = new WorkerThread(driver, 0);
            var ring0 = driver.WorkerInstance(0);
            try
            {
                worker0.Run(() => driver.SubmitDeferred());
                for (int i = 0; i < 20; i++) ring0.QueueCancel(CompletionToken.Make(1, 1, OperationKind.Receive)); // nothing to cancel: ENOENT
                Assert.True(ring0.OverflowCount > 0, "nothing was left aside: the SQ was not full");
                Assert.Equal(20, driver.ForwardedSubmitCount);
                Assert.Equal(0, driver.ForeignRingSubmitCount);
                worker0.Run(() => ParkUntil(driver, () => ring0.OverflowCount == 0 && ring0.Unsubmitted == 0));
            }
            finally
            {
                worker0.Dispose();
            }
            Assert.True(ring0.Retired); // every one of them completed (the drain counts them)
        }
    }

    [Fact]
    public void A_lone_completion_ends_a_batched_wait_after_the_minimum_wait()
    {
        // 64 receives armed on worker 0's ring make its park wait for a batch (65 requests / 16 = 4 completions), and
        // only one arrives: the kernel's min_wait makes the wait settle for it (without it the park would sleep on).
        Assert.Equal(0, IoUringDriver.TryCreate(0, out var driver));
        using (driver)
        {
            driver!.BatchedWorkerRings = true;
            Assert.True(driver.TryCreateWorkerRings(2));
            var ring0 = driver.WorkerInstance(0);
            Assert.True(ring0.Batched);
            using var listener = Listening(100);
            var pairs = Enumerable.Range(0, 64).Select(_ => Pair(listener)).ToArray();
            var registrations = pairs.Select(p => Assert.IsType<IoUringRegistration>(driver.Register(p.Server, connecting: false))).ToArray();
            using var woken = new ThreadSignal();
            var worker0 = new WorkerThread(driver, 0);
            try
            {
                var one = new byte[1];
                worker0.Run(() =>
                {
                    for (int i = 0; i < pairs.Length; i++) Assert.False(registrations[i].TryReceive(pairs[i].Server, one, woken.Waker, out _));
                    driver.Park(0); // submitted, and the wake read armed
                });
                long batched = ring0.BatchedWaitCount;
                worker0.Start(() => driver.Park(Timeout.Infinite));
                SpinWait.SpinUntil(() => ring0.HasParker, TimeSpan.FromSeconds(30));
                pairs[17].Client.Send([42]);
                bool returned = worker0.Finish(TimeSpan.FromSeconds(30));
                if (!returned) ring0.Unpark();
                Assert.True(returned, "a batched wait with one completion did not return");
                Assert.True(ring0.BatchedWaitCount > batched, "the park did not wait for a batch");
                Assert.Equal(1, registrations[17].HeldBuffers);
                Assert.True(woken.Wait(TimeSpan.FromSeconds(30)));
            }
            finally
            {
                if (worker0.Running) ring0.Unpark();
                worker0.Dispose();
                foreach (var registration in registrations) registration.Deregister();
                foreach (var (client, server) in pairs)
                {
                    client.Dispose();
                    server.Dispose();
                }
            }
        }
    }

    [Fact]
    public void Worker_rings_the_kernel_creates_without_single_issuer_are_counted_reported_once_and_still_serve()
    {
        using var listener = new DriverWarningListener();
        using var executor = new WorkStealingExecutor(2, new DriverOptions
        {
            Driver = IoDriverKind.IoUring,
            SimulateIoUringSingleIssuerRefused = true,
            BatchedWorkerRings = true,
        });
        var driver = Uring(executor);
        Assert.Equal(3, driver.InstanceCount);
        Assert.False(driver.WorkerInstance(0).SingleIssuer || driver.WorkerInstance(1).SingleIssuer);
        Assert.False(driver.WorkerInstance(0).Batched || driver.WorkerInstance(1).Batched);
        Assert.Equal(2, driver.BatchedWaitFallbackCount);
        var fallback = Assert.Single(listener.Fallbacks);
        Assert.StartsWith("IoUring batched worker rings -> IoUring worker rings without DEFER_TASKRUN: the kernel refused", fallback);
        Assert.Equal(100_000, executor.BlockOn(EchoOnce(100_000), s_limit));
        Assert.Equal(0, driver.ForeignRingSubmitCount); // the same single-enterer rules hold without the flags
    }

    [Fact]
    public void Sockets_closed_on_the_other_worker_while_their_receives_live_on_this_one_all_close()
    {
        // Each server task reads a request, yields a few times (so the other worker may steal it), answers and closes:
        // the close then often runs on the worker whose ring does not hold the receive, whose cancel is left for that
        // ring's worker. If the cancel were never submitted, the receive would keep the socket open and the client
        // would wait for its end of stream forever (the receive timeout fails the test instead).
        using var executor = TwoWorkers();
        var driver = Uring(executor);
        const int Connections = 200;
        using var listener = Loopback.Listen();
        var port = ((IPEndPoint)listener.LocalEndPoint).Port;
        var server = executor.Spawn(AnswerAndClose(listener, Connections));
        int ended = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var clients = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            try
            {
                for (int i = 0; i < Connections / 4; i++)
                {
                    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    client.ReceiveTimeout = 30_000;
                    client.Connect(new IPEndPoint(IPAddress.Loopback, port));
                    client.Send(new byte[] { 7 });
                    if (ReceiveExactly(client, 1)[0] != 7) throw new InvalidDataException("wrong echo");
                    if (client.Receive(new byte[1]) == 0) Interlocked.Increment(ref ended); // end of stream: the server closed
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();
        foreach (var thread in clients) thread.Start();
        foreach (var thread in clients) Assert.True(thread.Join(s_limit));
        Assert.Empty(failures);
        Assert.Equal(Connections, ended);
        executor.BlockOn(server, s_limit);
        for (int i = 0; i < 3000 && driver.LingeringCount > 0; i++) Thread.Sleep(1);
        Assert.Equal(0, driver.LingeringCount);
        Assert.Equal(1, driver.RegistrationCount); // the listener's
    }

    private static async Future AnswerAndClose(AsyncTcpListener listener, int connections)
    {
        var handlers = new List<JoinHandle<int>>();
        for (int i = 0; i < connections; i++)
        {
            var stream = await listener.AcceptAsync();
            handlers.Add(Executor.Spawn(AnswerOnce(stream)));
        }
        foreach (var handler in handlers) await handler;
    }

    private static async Future<int> AnswerOnce(AsyncTcpStream stream)
    {
        using (stream)
        {
            var buffer = new byte[1];
            int n = await stream.ReadAsync(buffer);
            for (int i = 0; i < 3; i++) await Future.Yield();
            await stream.WriteAllAsync(buffer.AsMemory(0, n));
            return n;
        }
    }

    /// <summary>The calling worker thread's driver turns run in its own ring until <paramref name="done"/> (at most ~30 s).</summary>
    private static void ParkUntil(IoUringDriver driver, Func<bool> done)
    {
        for (int i = 0; i < 3000 && !done(); i++) driver.Park(10);
        Assert.True(done());
    }

    private static byte[] ReceiveExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        for (int n = 0; n < count;) n += socket.Receive(buffer, n, count - n, SocketFlags.None);
        return buffer;
    }

    /// <summary>A thread that has entered worker ring <c>index</c> of a driver, running actions one at a time.</summary>
    private sealed class WorkerThread : IDisposable
    {
        private readonly BlockingQueue _work = new();
        private readonly Thread _thread;
        private ManualResetEventSlim? _started;
        private Exception? _startedFailure;

        public WorkerThread(IoUringDriver driver, int index)
        {
            _thread = new Thread(() =>
            {
                driver.DeferSubmissionsOnThisThread(true);
                Assert.NotNull(driver.EnterWorker(index));
                try
                {
                    while (_work.Take() is { } action) action();
                }
                finally
                {
                    driver.DeferSubmissionsOnThisThread(false);
                    driver.SubmitDeferred();
                    driver.ExitWorker();
                }
            }) { IsBackground = true, Name = $"ring test worker {index}" };
            _thread.Start();
        }

        /// <summary>Starts <paramref name="action"/> on the thread without waiting; <see cref="Finish"/> waits for it.</summary>
        public void Start(Action action)
        {
            _started = new ManualResetEventSlim();
            var done = _started;
            _work.Add(() =>
            {
                try
                {
                    action();
                }
                catch (Exception e)
                {
                    _startedFailure = e;
                }
                finally
                {
                    done.Set();
                }
            });
        }

        /// <summary>True once the action <see cref="Start"/> began has ended (rethrowing its failure), false if it has not within <paramref name="limit"/>.</summary>
        public bool Finish(TimeSpan limit)
        {
            if (_started is null || !_started.Wait(limit)) return false;
            _started.Dispose();
            _started = null;
            if (_startedFailure is { } failure) throw new Xunit.Sdk.XunitException($"on the worker thread: {failure}");
            return true;
        }

        public bool Running => _started is { IsSet: false };

        public void Run(Action action)
        {
            Exception? failure = null;
            using var done = new ManualResetEventSlim();
            _work.Add(() =>
            {
                try
                {
                    action();
                }
                catch (Exception e)
                {
                    failure = e;
                }
                finally
                {
                    done.Set();
                }
            });
            Assert.True(done.Wait(TimeSpan.FromSeconds(60)), "the worker thread did not finish its step");
            if (failure is not null) throw new Xunit.Sdk.XunitException($"on the worker thread: {failure}");
        }

        public void Dispose()
        {
            _work.Add(null);
            Assert.True(_thread.Join(TimeSpan.FromSeconds(30)));
        }
    }

    private sealed class BlockingQueue
    {
        private readonly Queue<Action?> _items = new();

        public void Add(Action? item)
        {
            lock (_items)
            {
                _items.Enqueue(item);
                Monitor.Pulse(_items);
            }
        }

        public Action? Take()
        {
            lock (_items)
            {
                while (_items.Count == 0) Monitor.Wait(_items);
                return _items.Dequeue();
            }
        }
    }

    /// <summary>Blocks its worker until a task ran on another thread (only a steal by a woken worker can run one).</summary>
    private sealed class WaitForAnotherThread(int[] threads, int index) : IFuture<bool>
    {
        public Poll<bool> Poll(ref Context cx)
        {
            threads[index] = Environment.CurrentManagedThreadId;
            var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < limit)
            {
                for (int i = 0; i < threads.Length; i++)
                {
                    int other = Volatile.Read(ref threads[i]);
                    if (other != 0 && other != threads[index]) return Poll<bool>.Ready(true);
                }
                Thread.Sleep(1);
            }
            return Poll<bool>.Ready(false);
        }
    }

    [Fact]
    public void A_worker_out_of_work_reaps_the_completions_waiting_in_its_own_ring_before_it_steals_or_parks()
    {
        using var executor = TwoWorkers();
        using var listener = Loopback.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint);
        using var server = executor.BlockOn(listener.AcceptAsync(), s_limit);
        using var asked = new SemaphoreSlim(0);
        var sender = new Thread(() =>
        {
            for (int i = 0; i < OwnRingProbe.Rounds; i++)
            {
                if (!asked.Wait(s_limit)) return;
                client.Send([(byte)i]);
            }
        }) { IsBackground = true };
        sender.Start();
        asked.Release(); // the first byte
        long before = executor.Metrics.Total(RuntimeCounter.OwnRingTurns);
        Assert.Equal(OwnRingProbe.Rounds, executor.BlockOn(new OwnRingProbe(server, Uring(executor), asked), s_limit));
        sender.Join();
        // Each byte after the first waited in the ring when its task's poll returned and nothing else was queued: the
        // worker took it with a turn of its own ring. (A round may instead fall on the worker's Maintain, every 61
        // ticks, which reaps it too; it cannot fall there every time.)
        Assert.True(executor.Metrics.Total(RuntimeCounter.OwnRingTurns) - before >= 1, "no own-ring turn counted");
    }

    /// <summary>
    /// Reads <see cref="Rounds"/> one-byte messages; after each, asks for the next and, still inside its poll, waits
    /// until that byte's completion waits in this worker's own ring, then returns Pending: the worker runs out of
    /// queued work with completions in its ring.
    /// </summary>
    private sealed class OwnRingProbe(AsyncTcpStream server, IoUringDriver driver, SemaphoreSlim asked) : IFuture<int>
    {
        public const int Rounds = 8;
        private readonly byte[] _buffer = new byte[16];
        private ReadFuture _read;
        private bool _reading;
        private int _received;

        public Poll<int> Poll(ref Context cx)
        {
            while (true)
            {
                if (!_reading)
                {
                    _read = server.ReadAsync(_buffer);
                    _reading = true;
                }
                var read = _read.Poll(ref cx);
                if (read.IsPending) return Poll<int>.Pending;
                _reading = false;
                _received += read.Value;
                if (_received == Rounds) return Poll<int>.Ready(_received);
                _read = server.ReadAsync(_buffer);
                _reading = true;
                if (!_read.Poll(ref cx).IsPending) throw new InvalidOperationException("a byte arrived before it was asked for");
                asked.Release();
                var own = driver.OwnInstance ?? throw new InvalidOperationException("not on a worker with a ring of its own");
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (!own.HasCompletionWork)
                {
                    if (waited.Elapsed > s_limit) throw new TimeoutException("the byte's completion never reached this worker's ring");
                    Thread.Yield();
                }
                return Poll<int>.Pending;
            }
        }
    }

    private static async Future<bool> SpawnBlockers(int count)
    {
        var threads = new int[count];
        var handles = Enumerable.Range(0, count).Select(i => Executor.Spawn(new WaitForAnotherThread(threads, i))).ToArray();
        bool all = true;
        foreach (var handle in handles) all &= await handle;
        return all;
    }

    [Fact]
    public void A_turn_of_a_workers_own_ring_that_leaves_half_a_queue_of_tasks_waiting_wakes_the_other_worker()
    {
        // Every receive lives on the ring of the worker that accepted the connections (ReceiveOnAcceptingRing). That
        // worker is held in a task (the gate) while all the bytes arrive, so its next turn of its ring wakes as many
        // readers as its ring has provided buffers to start with (128, ProvidedBufferRing; the others' receives end with
        // ENOBUFS and are re-armed as buffers come back): what it shares into its stealable queue (LocalQueue.Half), and
        // the bar of the rule. The other worker sleeps in its
        // own ring, which nothing else wakes; only the backlog rule wakes it to take a share. Each reader, once it has
        // its byte, blocks its worker until a reader ran on another thread, so the gate's worker cannot drain its queue
        // before the woken worker steals from it (without the rule every reader ran on the gate's worker: mutation
        // check by hand). Not asserted: a counted unpark (the other worker is on the sleeper list but may not have
        // blocked yet, and such a wake is not counted) or a steal (should the gate move to the other worker between
        // polls, readers it accepted there are that worker's own).
        const int connections = 300;
        using var executor = new WorkStealingExecutor(workerCount: 2,
            new DriverOptions { Driver = IoDriverKind.IoUring, ReceiveOnAcceptingRing = true });
        using var listener = Loopback.Listen(backlog: 2 * connections);
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < connections; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                client.Connect(listener.LocalEndPoint);
            }
            var gate = new BacklogGate(listener, connections);
            _ = executor.Spawn(gate);
            Assert.True(gate.Entered.Wait(s_limit), "the gate never closed");
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref gate.Polled) == connections && executor.Idle.Unparked == 1, s_limit),
                "the readers did not all wait with the other worker asleep");
            gate.GiveUpAt = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            foreach (var client in clients) client.Send("x"u8);
            gate.Sent.Set();
            Assert.True(SpinWait.SpinUntil(() => Enumerable.Range(0, connections).All(i => Volatile.Read(ref gate.Threads[i]) != 0), s_limit), "a reader never read its byte");
            Assert.False(gate.GaveUp, "no reader ran on the other worker while the gate's worker was blocked");
            Assert.Contains(gate.Threads, thread => thread != gate.GateThread);
            Assert.Equal(connections, Uring(executor).AcceptingRingPlacementCount);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    /// <summary>
    /// Accepts every connection (all queued before its first poll, so it accepts them on one worker), spawns a reader
    /// for each, yields until its worker's turns have submitted their receives, then blocks its worker until
    /// <see cref="Sent"/>.
    /// </summary>
    private sealed class BacklogGate(AsyncTcpListener listener, int connections) : IFuture<Unit>
    {
        private readonly List<AsyncTcpStream> _streams = [];
        private AcceptFuture _accept;
        private bool _accepting;
        private int _yields;

        public readonly int[] Threads = new int[connections];
        public readonly ManualResetEventSlim Entered = new();
        public readonly ManualResetEventSlim Sent = new();
        public int Polled;
        public int GateThread;
        public DateTime GiveUpAt = DateTime.MaxValue;
        public volatile bool GaveUp;

        public Poll<Unit> Poll(ref Context cx)
        {
            while (_streams.Count < connections)
            {
                if (!_accepting)
                {
                    _accept = listener.AcceptAsync();
                    _accepting = true;
                }
                var accepted = _accept.Poll(ref cx);
                if (accepted.IsPending) return Poll<Unit>.Pending;
                _accepting = false;
                _streams.Add(accepted.Value);
                if (_streams.Count == connections)
                {
                    for (int i = 0; i < connections; i++) Executor.Spawn(ReadOne(_streams[i], this, i));
                }
            }
            // Two rounds of the worker's Maintain (every 61 ticks): the receives its readers queued are submitted.
            if (_yields++ < 2 * 61)
            {
                cx.Waker.Wake();
                return Poll<Unit>.Pending;
            }
            GateThread = Environment.CurrentManagedThreadId;
            Entered.Set();
            if (!Sent.Wait(s_limit)) throw new TimeoutException("the bytes were never sent");
            return Poll<Unit>.Ready(default);
        }
    }

    private static async Future ReadOne(AsyncTcpStream stream, BacklogGate gate, int index)
    {
        using (stream)
        {
            Interlocked.Increment(ref gate.Polled);
            Assert.Equal(1, await stream.ReadAsync(new byte[1]));
            int thread = Environment.CurrentManagedThreadId;
            Volatile.Write(ref gate.Threads[index], thread);
            // One deadline for all of them: without a second worker they would otherwise wait one after the other.
            while (!gate.Threads.Any(other => other != 0 && other != gate.GateThread))
            {
                if (DateTime.UtcNow > gate.GiveUpAt)
                {
                    gate.GaveUp = true;
                    break;
                }
                Thread.Sleep(1);
            }
        }
    }

    [Fact]
    public void A_worker_asleep_in_its_own_ring_is_woken_by_tasks_another_worker_spawns()
    {
        using var executor = TwoWorkers();
        Assert.Equal(3, Uring(executor).InstanceCount);
        // Both workers asleep, each in its own ring (no monitor to sleep on with rings per worker).
        for (int i = 0; i < 3000 && !(executor.Idle.IsSleeping(0) && executor.Idle.IsSleeping(1)); i++) Thread.Sleep(1);
        Assert.True(executor.Idle.IsSleeping(0) && executor.Idle.IsSleeping(1));
        long waits = Uring(executor).WaitCount;

        // The root's worker spawns them all and then blocks in the first: only the other worker, unparked from its
        // ring by that spawn, can run the rest.
        Assert.True(executor.BlockOn(SpawnBlockers(8), s_limit));
        Assert.True(executor.Metrics.Total(RuntimeCounter.Unparks) > 0, "no unpark counted");
        Assert.True(Uring(executor).WaitCount > waits, "no park returned from a ring");
    }

    /// <summary>
    /// Reads <paramref name="total"/> bytes in small reads, yielding after each (a yielding task goes to the back of its
    /// worker's queue, where the other worker steals it), and checks every byte is the next of the sender's pattern.
    /// </summary>
    private static async Future<long> ReadPatternYielding(AsyncTcpStream stream, long total)
    {
        var buffer = new byte[97]; // small and odd: reads end inside provided buffers and inside the writer's chunks
        long position = 0;
        while (position < total)
        {
            int n = await stream.ReadAsync(buffer);
            if (n == 0) break;
            for (int i = 0; i < n; i++)
            {
                if (buffer[i] != (byte)(position + i)) return -1 - position - i;
            }
            position += n;
            await Future.Yield();
        }
        return position;
    }

    private static async Future<long> WritePattern(AsyncTcpStream stream, long total)
    {
        var chunk = new byte[4096];
        for (long position = 0; position < total; position += chunk.Length)
        {
            for (int i = 0; i < chunk.Length; i++) chunk[i] = (byte)(position + i);
            await stream.WriteAllAsync(chunk);
        }
        return total;
    }

    private static async Future<long> PatternPairs(int pairs, long each)
    {
        using var listener = Loopback.Listen();
        var streams = new List<AsyncTcpStream>();
        var readers = new List<JoinHandle<long>>();
        var writers = new List<JoinHandle<long>>();
        try
        {
            for (int i = 0; i < pairs; i++)
            {
                var (client, server) = await Loopback.Pair(listener);
                streams.Add(client);
                streams.Add(server);
                readers.Add(Executor.Spawn(ReadPatternYielding(server, each)));
                writers.Add(Executor.Spawn(WritePattern(client, each)));
            }
            long read = 0;
            foreach (var reader in readers)
            {
                long n = await reader;
                if (n != each) return n; // a negative count is the position of the first wrong byte
                read += n;
            }
            foreach (var writer in writers) await writer;
            return read;
        }
        finally
        {
            foreach (var stream in streams) stream.Dispose();
        }
    }

    [Fact]
    public void Readers_that_move_between_workers_with_their_receives_in_flight_lose_and_reorder_no_byte()
    {
        using var executor = TwoWorkers();
        Assert.Equal(3, Uring(executor).InstanceCount);
        const int Pairs = 16;
        const long Each = 256 * 1024;
        Assert.Equal(Pairs * Each, executor.BlockOn(PatternPairs(Pairs, Each), s_limit));
        for (int i = 0; i < 1000 && Uring(executor).LingeringCount > 0; i++) Thread.Sleep(1);
        Assert.Equal(0, Uring(executor).LingeringCount);
    }

    private static async Future<int> SleepThen(int value)
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        return value;
    }

    [Fact]
    public void A_timer_armed_on_one_worker_wakes_the_driver_turn_asleep_in_the_other_workers_ring_every_time()
    {
        // Each round starts with both workers asleep: one in the driver's turn (in its own ring, no deadline), the
        // other in its own ring. The woken worker arms a 1 ms timer earlier than the parked deadline, so the driver's
        // Unpark must reach whichever ring the last driver turn waits in (the flag / instance pairing in
        // IoUringDriver.Park and Unpark); a lost unpark leaves the sleep waiting for ever (StalledTaskException).
        using var executor = TwoWorkers();
        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < 3000 && !(executor.Idle.IsSleeping(0) && executor.Idle.IsSleeping(1)); i++) Thread.Sleep(1);
            Assert.Equal(round, executor.BlockOn(SleepThen(round), s_limit));
        }
    }

    [Fact]
    public void Disposing_a_two_worker_executor_closes_every_ring_and_eventfd()
    {
        TwoWorkers().Dispose();
        var before = Loopback.OpenDescriptors();
        for (int i = 0; i < 10; i++)
        {
            using var executor = TwoWorkers();
            Assert.Equal(3, Uring(executor).InstanceCount);
            Assert.Equal(10_000, executor.BlockOn(EchoOnce(10_000), s_limit));
        }
        Assert.Equal(before, Loopback.OpenDescriptors());
    }

    /// <summary>The value the AsyncGen Meter's observable <paramref name="instrument"/> reports for <paramref name="executor"/> (-1: none).</summary>
    private static long MeterReading(ExecutorMetrics executor, string instrument)
    {
        long value = -1;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (published, l) =>
        {
            if (published.Meter.Name == "AsyncGen" && published.Name == instrument) l.EnableMeasurementEvents(published);
        };
        listener.SetMeasurementEventCallback<long>((_, measured, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == AsyncGenMetrics.ExecutorTag && (string?)tag.Value == executor.Name) value = measured;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }
}
