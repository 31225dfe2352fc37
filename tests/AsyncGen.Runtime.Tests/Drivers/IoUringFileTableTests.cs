using System.Net.Sockets;
using System.Text;
using AsyncGen.Drivers;
using AsyncGen.Drivers.IoUring;
using AsyncGen.Executors;
using AsyncGen.Executors.WorkStealing;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Net;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Drivers;

/// <summary>
/// io_uring's registered files: a socket's receives and sends name its entry in the ring's file table, the entry is
/// cleared once the socket's last request completed, and a kernel that refuses the table is counted and reported.
/// </summary>
[Collection(SerialCollection.Name)] // EventListener
public class IoUringFileTableTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Opens <paramref name="pairs"/> connections and echoes a message through each (both ends receive and send), then
    /// returns how many sockets the rings' file tables hold while they are all open; the sockets close on return.
    /// </summary>
    private static async Future<int> EchoThroughPairs(IoUringDriver driver, int pairs)
    {
        using var listener = Loopback.Listen();
        var streams = new List<AsyncTcpStream>();
        try
        {
            var message = new byte[64];
            var echo = new byte[64];
            for (int i = 0; i < pairs; i++)
            {
                var (client, server) = await Loopback.Pair(listener);
                streams.Add(client);
                streams.Add(server);
                message[0] = (byte)i;
                await client.WriteAllAsync(message);
                Assert.Equal(64, await Loopback.ReadFull(server, echo));
                await server.WriteAllAsync(echo);
                Assert.Equal(64, await Loopback.ReadFull(client, echo));
                Assert.Equal((byte)i, echo[0]);
            }
            return driver.FilesInstalled;
        }
        finally
        {
            foreach (var stream in streams) stream.Dispose();
        }
    }

    [Fact]
    public void Receives_and_sends_name_the_sockets_table_entry_and_every_entry_is_cleared_once_the_sockets_closed()
    {
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.IoUring });
        var driver = IoUringDriverTests.Driver(executor);
        Assert.Equal(0, driver.FileTableFallbackCount); // this kernel (6.18) takes a sparse table

        // Every socket that received or sent is in the table (the accepted and the connecting end of each pair); had
        // the kernel refused an SQE naming an entry, the echo would have failed (EBADF).
        Assert.Equal(40, executor.BlockOn(EchoThroughPairs(driver, 20), s_limit));
        Assert.Equal(0, driver.UnfixedOperationCount);

        IoUringDriverTests.Settle(executor); // the multishot receives' cancels complete
        Assert.Equal(0, driver.FilesInstalled); // no slot of the table left behind
        Assert.Equal(0, driver.RegistrationCount);

        // The slots (and so the entries) are reused by the next sockets, and cleared again.
        Assert.Equal(40, executor.BlockOn(EchoThroughPairs(driver, 20), s_limit));
        IoUringDriverTests.Settle(executor);
        Assert.Equal(0, driver.FilesInstalled);
    }

    [Fact]
    public void A_socket_in_the_table_closed_with_its_receive_armed_ends_the_peers_stream()
    {
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.IoUring });
        var driver = IoUringDriverTests.Driver(executor);
        int read = executor.BlockOn(CloseWhileReceiving(driver), s_limit);
        Assert.Equal(0, read); // end of stream: the table's reference did not keep the socket open past its last request
        IoUringDriverTests.Settle(executor);
        Assert.Equal(0, driver.FilesInstalled);

        static async Future<int> CloseWhileReceiving(IoUringDriver driver)
        {
            using var listener = Loopback.Listen();
            var (client, server) = await Loopback.Pair(listener);
            using (server)
            {
                using (client)
                {
                    await server.WriteAllAsync(new byte[1]);
                    Assert.Equal(1, await Loopback.ReadFull(client, new byte[1])); // the client's multishot receive stays armed
                    Assert.Equal(2, driver.FilesInstalled); // both ends are in the table
                }
                return await server.ReadAsync(new byte[1]);
            }
        }
    }

    [Fact]
    public async Task A_socket_that_sent_and_closed_ends_the_peers_stream_while_its_ring_is_idle()
    {
        // The newcomer's StreamReader test hung on this (main at 5a94cd0): the server writes and closes without ever
        // receiving, its future ends, and then nothing turns the ring while a peer outside the executor reads to the
        // end of the stream. The file table's entry must not keep the socket open until the ring's next turn.
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.IoUring });
        var driver = IoUringDriverTests.Driver(executor);
        using var listener = Loopback.Listen();
        var server = executor.Spawn(WriteAndClose(listener));
        using var client = new TcpClient();
        client.Connect(listener.LocalEndPoint);
        executor.BlockOn(server, s_limit); // the last turn of the ring until the read below ends

        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        Assert.Equal("hello", await reader.ReadToEndAsync().WaitAsync(s_limit)); // a timeout: the peer never saw the end
        IoUringDriverTests.Settle(executor);
        Assert.Equal(0, driver.FilesInstalled);

        static async Future WriteAndClose(AsyncTcpListener listener)
        {
            using var stream = await listener.AcceptAsync();
            await stream.WriteAllAsync("hello"u8.ToArray());
        }
    }

    [Fact]
    public void A_kernel_that_refuses_the_file_table_is_counted_reported_once_and_sockets_still_serve()
    {
        using var listener = new IoUringDriverTests.FallbackListener();
        using var executor = new LocalExecutor(new DriverOptions
        {
            Driver = IoDriverKind.IoUring,
            SimulatedIoUringFileTableErrno = IoUringNative.EINVAL,
        });
        var driver = IoUringDriverTests.Driver(executor);

        Assert.Equal(1, driver.FileTableFallbackCount);
        var fallback = Assert.Single(listener.Fallbacks);
        Assert.StartsWith("IoUring registered files -> IoUring without registered files: ", fallback);
        Assert.Equal(0, executor.BlockOn(EchoThroughPairs(driver, 5), s_limit)); // served by fd, nothing in a table
        Assert.Equal(0, driver.UnfixedOperationCount); // a ring without a table is the fallback count, not this one
    }

    [Fact]
    public void Worker_rings_have_tables_of_their_own_and_leave_no_entry_behind()
    {
        using var executor = new WorkStealingExecutor(2, new DriverOptions { Driver = IoDriverKind.IoUring });
        var driver = Assert.IsType<IoUringDriver>(executor.Driver.Io);
        Assert.Equal(3, driver.InstanceCount);
        Assert.Equal(0, driver.FileTableFallbackCount);

        int installed = executor.BlockOn(EchoThroughPairs(driver, 20), s_limit);
        Assert.InRange(installed, 40, 80); // each socket is in the table of every ring it queued on: one or both workers'
        Assert.Equal(0, driver.UnfixedOperationCount);

        executor.BlockOn(Settle(driver), s_limit);
        Assert.Equal(0, driver.FilesInstalled);

        static async Future<int> Settle(IoUringDriver driver)
        {
            while (driver.LingeringCount > 0) await Time.Sleep(TimeSpan.FromMilliseconds(1));
            return 0;
        }
    }
}
