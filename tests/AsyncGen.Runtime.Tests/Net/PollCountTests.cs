using AsyncGen.Net;
using AsyncGen.Drivers;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>No busy polling: a pending read is polled once until data arrives; an idle executor sleeps in epoll_wait.</summary>
public class PollCountTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    /// <summary>Counts the polls of the future it wraps.</summary>
    private sealed class PollCounter<T>(IFuture<T> inner) : IFuture<T>
    {
        private int _polls;

        public int Polls => Volatile.Read(ref _polls);

        public Poll<T> Poll(ref Context cx)
        {
            _polls++;
            return inner.Poll(ref cx);
        }

        public void Dispose() => inner.Dispose();
    }

    private static async Future<(int BeforeData, int Total, int Read)> CountReadPolls()
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            var read = new PollCounter<int>(server.ReadAsync(new byte[64]));
            var reader = Executor.Spawn(read);
            await new SelfWakingFuture(times: 1);                 // the reader polls once and parks
            await Time.Sleep(TimeSpan.FromMilliseconds(100));     // the executor parks and wakes meanwhile
            int beforeData = read.Polls;
            await client.WriteAllAsync("data"u8.ToArray());
            int n = await reader;
            return (beforeData, read.Polls, n);
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Pending_read_is_polled_once_until_data_arrives_then_once_more(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        var (beforeData, total, read) = Executor.BlockOn(CountReadPolls(), s_limit);
        Assert.Equal(1, beforeData);
        Assert.Equal(2, total);
        Assert.Equal(4, read);
    }

    private static async Future<long> IdleSecond(IIoDriver reactor)
    {
        using var listener = Loopback.Listen();
        var (client, server) = await Loopback.Pair(listener);
        using (client)
        using (server)
        {
            var accept = Executor.Spawn(listener.AcceptAsync());        // pending forever
            var read = Executor.Spawn(server.ReadAsync(new byte[16]));  // pending forever
            await new SelfWakingFuture(times: 1);
            long before = reactor.WaitCount;
            await Time.Sleep(TimeSpan.FromSeconds(1));
            long waits = reactor.WaitCount - before;
            accept.Abort();
            read.Abort();
            return waits;
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Idle_executor_with_pending_io_returns_from_epoll_wait_only_a_handful_of_times_per_second(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        long waits = executor.BlockOn(IdleSecond(executor.Driver.Io), s_limit);
        // One wait for the sleep's deadline; a few more at most (timer rounding, EINTR, the reactor's own unparks).
        Assert.InRange(waits, 1, 5);
    }
}
