using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Net;

/// <summary>Disposing an operation is cancellation: its interest leaves the reactor, and no data is lost.</summary>
public class CancellationTests
{
    [Theory, ClassData(typeof(EveryDriver))]
    public void Disposed_pending_read_is_not_woken_by_later_data_and_the_data_stays_readable(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        using var listener = Loopback.Listen();
        var (client, server) = executor.BlockOn(Loopback.Pair(listener));
        using (client)
        using (server)
        {
            var counter = new CountingWakeTarget();
            var buffer = new byte[16];
            using (executor.Driver.Enter())
            {
                var read = server.ReadAsync(buffer);
                var cx = new Context(counter.Waker);
                Assert.True(read.Poll(ref cx).IsPending);
                read.Dispose();

                executor.BlockOn(client.WriteAllAsync("late"u8.ToArray()));
                executor.Driver.Io.Park(100); // dispatches the readable event: nobody is waiting
                Assert.Equal(0, counter.Wakes);
            }
            Assert.Equal(4, executor.BlockOn(server.ReadAsync(buffer)));
            Assert.Equal("late"u8.ToArray(), buffer[..4]);
        }
    }

    [Theory, ClassData(typeof(EveryDriver))]
    public void Pending_read_is_woken_when_its_stream_is_disposed_and_then_throws_ObjectDisposedException(IoDriverKind driver)
    {
        using var onDriver = TestDriver.Use(driver);
        using var executor = new LocalExecutor();
        using var listener = Loopback.Listen();
        var (client, server) = executor.BlockOn(Loopback.Pair(listener));
        using (client)
        {
            var counter = new CountingWakeTarget();
            using (executor.Driver.Enter())
            {
                var read = server.ReadAsync(new byte[16]);
                var cx = new Context(counter.Waker);
                Assert.True(read.Poll(ref cx).IsPending);
                server.Dispose();
                Assert.Equal(1, counter.Wakes);
                Assert.Throws<ObjectDisposedException>(() =>
                {
                    var again = new Context(counter.Waker);
                    read.Poll(ref again);
                });
            }
        }
    }
}
