using System.Net.Sockets;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>
/// An accept loop that catches failures and retries must not livelock: failed operations spend the cooperative
/// budget, and out of descriptors (EMFILE) the failure surfaces once per burst while the listener stays usable.
/// </summary>
/// <remarks>Serial: the tests lower the process's RLIMIT_NOFILE.</remarks>
[Collection(SerialCollection.Name)]
public class AcceptExhaustionTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    /// <summary>More failures than this in a row means the loop never yielded (before the fix it spun for ever).</summary>
    private const int SpinLimit = 100_000;

    private sealed class Progress
    {
        public int Failures;
        public int Accepted;
        public int FailuresWhenOtherRan = -1;
    }

    private static async Future<int> AcceptRetryingOnErrors(AsyncTcpListener listener, int connections, Progress progress)
    {
        var accepted = new List<AsyncTcpStream>();
        try
        {
            while (accepted.Count < connections)
            {
                try
                {
                    accepted.Add(await listener.AcceptAsync());
                    progress.Accepted++;
                }
                catch (SocketException)
                {
                    // The pattern users write: log and accept again.
                    if (++progress.Failures > SpinLimit) throw new InvalidOperationException("The accept loop never yielded.");
                }
            }
            return accepted.Count;
        }
        finally
        {
            foreach (var stream in accepted) stream.Dispose();
        }
    }

    /// <summary>Waits until the accept loop has failed once, then closes <paramref name="spares"/>: descriptors come back, all at once.</summary>
    /// <remarks>
    /// Closed one by one, they would come back one at a time, and on two workers an accept running between two
    /// closes can succeed and the next one fail: a second burst, rightly surfaced, that the test would count. So
    /// they are closed under a limit that still forbids them, and restoring the limit returns them together.
    /// </remarks>
    private static async Future<int> FreeDescriptorsAfterAFailure(List<Socket> spares, Progress progress)
    {
        while (progress.Failures == 0) await Future.Yield();
        progress.FailuresWhenOtherRan = progress.Failures;
        using (FileDescriptorLimit.Below(spares.Min(spare => (int)spare.Handle)))
        {
            foreach (var spare in spares) spare.Dispose();
        }
        return 0;
    }

    private static (int Failures, int Accepted, int FailuresWhenOtherRan) RunOutOfDescriptors(Func<IExecutorUnderTest> create)
    {
        const int Connections = 3;
        using var listener = Loopback.Listen();
        var clients = new List<Socket>();
        var spares = new List<Socket>();
        var progress = new Progress();
        try
        {
            for (int i = 0; i < Connections; i++)
            {
                var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
                client.Connect(listener.LocalEndPoint); // completes in the kernel's accept queue
                clients.Add(client);
                spares.Add(new Socket(SocketType.Stream, ProtocolType.Tcp)); // to be freed for the accepts
            }
            using var executor = create();
            executor.Warm(); // JIT and load everything first: with no descriptor left, loading an assembly fails
            using (FileDescriptorLimit.Exhausted())
            {
                executor.Run(AcceptRetryingOnErrors(listener, Connections, progress), FreeDescriptorsAfterAFailure(spares, progress), s_limit);
            }
            return (progress.Failures, progress.Accepted, progress.FailuresWhenOtherRan);
        }
        finally
        {
            foreach (var socket in clients.Concat(spares)) socket.Dispose();
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void On_a_local_executor_EMFILE_surfaces_once_and_the_queued_connections_are_accepted_when_descriptors_return(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        var (failures, accepted, failuresWhenOtherRan) = RunOutOfDescriptors(() => new LocalUnderTest());
        Assert.Equal(1, failuresWhenOtherRan);
        Assert.Equal(1, failures);
        Assert.Equal(3, accepted);
    }

    [Theory]
    [InlineData(IoDriverKind.Epoll)]
    [InlineData(IoDriverKind.IoUring)]
    [InlineData(IoDriverKind.Portable)]
    public void On_a_work_stealing_executor_EMFILE_surfaces_once_and_the_queued_connections_are_accepted_when_descriptors_return(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        var (failures, accepted, _) = RunOutOfDescriptors(() => new WorkStealingUnderTest());
        Assert.Equal(1, failures);
        Assert.Equal(3, accepted);
    }

    private static async Future<int> NoteFailuresOfTheOther(Progress progress)
    {
        progress.FailuresWhenOtherRan = progress.Failures;
        await Future.Yield();
        return 0;
    }

    private static async Future<int> AcceptUntil(AsyncTcpListener listener, Progress progress, int failures)
    {
        while (progress.Failures < failures)
        {
            try
            {
                (await listener.AcceptAsync()).Dispose();
            }
            catch (SocketException)
            {
                if (++progress.Failures > SpinLimit) throw new InvalidOperationException("The accept loop never yielded.");
            }
        }
        return progress.Failures;
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void A_loop_retrying_a_failing_accept_yields_after_the_budget_of_128_failures(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var listener = Loopback.Listen();
        ListeningSocketShutdown.Apply(listener.Fd); // every accept now fails at once (EINVAL), and epoll says readable
        var progress = new Progress();
        using var executor = new LocalExecutor();
        executor.Spawn(AcceptUntil(listener, progress, failures: 1_000));
        executor.Spawn(NoteFailuresOfTheOther(progress));
        executor.Run();
        Assert.Equal(1_000, progress.Failures);
        // epoll fails the accept syscall at once (and so does System.Net.Sockets' AcceptAsync under the portable
        // driver: it tries the accept before waiting), so only the budget makes the loop yield; io_uring's failures
        // arrive as completions, one per park, so the other task runs before the second.
        if (driver is IoDriverKind.Epoll or IoDriverKind.Portable) Assert.Equal(128, progress.FailuresWhenOtherRan);
        else Assert.InRange(progress.FailuresWhenOtherRan, 0, 1);
    }

    private interface IExecutorUnderTest : IDisposable
    {
        void Warm();

        void Run(IFuture<int> first, IFuture<int> second, TimeSpan limit);
    }

    private static async Future<int> JoinBoth(IFuture<int> first, IFuture<int> second)
    {
        var other = Executor.Spawn(second);
        int result = await first;
        await other;
        return result;
    }

    /// <summary>One pass of everything the scenario runs, with descriptors to spare.</summary>
    private static async Future<int> WarmUp()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        client.Dispose();
        server.Dispose();
        try
        {
            throw new SocketException((int)SocketError.TooManyOpenSockets);
        }
        catch (SocketException)
        {
        }
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        await Future.Yield();
        return 0;
    }

    private sealed class LocalUnderTest : IExecutorUnderTest
    {
        private readonly LocalExecutor _executor = new();

        public void Warm() => _executor.BlockOn(JoinBoth(WarmUp(), WarmUp()));

        public void Run(IFuture<int> first, IFuture<int> second, TimeSpan limit) => _executor.BlockOn(JoinBoth(first, second), limit);

        public void Dispose() => _executor.Dispose();
    }

    private sealed class WorkStealingUnderTest : IExecutorUnderTest
    {
        private readonly WorkStealingExecutor _executor = new(2);

        public void Warm() => _executor.BlockOn(JoinBoth(WarmUp(), WarmUp()));

        public void Run(IFuture<int> first, IFuture<int> second, TimeSpan limit) => _executor.BlockOn(JoinBoth(first, second), limit);

        public void Dispose() => _executor.Dispose();
    }
}
