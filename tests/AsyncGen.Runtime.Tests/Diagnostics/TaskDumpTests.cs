using AsyncGen.Diagnostics;
using AsyncGen.Net;
using AsyncGen.Runtime.Tests.Net;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Diagnostics;

/// <summary>DumpTasks: every live task with its state, polls and async backtrace; stalls on sockets diagnosed.</summary>
[Collection(SerialCollection.Name)] // sockets: counted by the fd-leak tests
public class TaskDumpTests
{
    [Fact]
    public void A_dump_lists_each_live_task_with_what_it_waits_on()
    {
        using var executor = new LocalExecutor();
        using var listener = Loopback.Listen();
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        var dumps = executor.BlockOn(Scenario(executor, listener, receiver));
        sender.Close();

        var lines = dumps.Where(t => t.Name != "Scenario").OrderBy(t => t.Id).ToList();
        Assert.Equal(["Nap", "WaitForItem", "ReadOne"], lines.Select(t => t.Name));
        Assert.All(lines, t => Assert.Equal("idle", t.State));
        Assert.All(lines, t => Assert.Equal(1, t.Polls));
        Assert.Equal("Time.Sleep", lines[0].Backtrace[^1].Method);
        Assert.Equal("AsyncChannel.Receive (an item (the channel is empty))", lines[1].Backtrace[^1].ToString());
        Assert.Equal("ReadAsync", lines[2].Backtrace[^1].Method);
        Assert.EndsWith(" readable", lines[2].Backtrace[^1].Awaited);
        Assert.Equal("TaskDumpTests.ReadOne", lines[2].Backtrace[0].Method);
        Assert.Contains("\u2190 TaskDumpTests.ReadOne", lines[2].ToString());
        Assert.Contains("#", TaskSnapshot.Format(lines));
    }

    [Fact]
    public void A_task_waiting_on_a_socket_is_reported_as_waiting_not_as_a_lost_waker()
    {
        using var listener = Loopback.Listen();
        // Connected before the time limit starts: under load, 100 ms can pass inside connect/accept.
        var (client, server) = Executor.BlockOn(Loopback.Pair(listener));
        using (client)
        using (server)
        {
            var stalled = Assert.Throws<StalledTaskException>(() => Executor.BlockOn(ReadOne(server), TimeSpan.FromMilliseconds(100)));

            Assert.False(stalled.IsLostWakeUp);
            Assert.Matches(@"^ReadAsync \(fd \d+ readable\)$", stalled.WaitingOn);
            Assert.DoesNotContain("AG0102", stalled.Message);
        }
    }

    private static async Future<IReadOnlyList<TaskSnapshot>> Scenario(LocalExecutor executor, AsyncTcpListener listener, ChannelReceiver<int> receiver)
    {
        var (client, server) = await Loopback.Pair(listener);
        var nap = Executor.Spawn(Nap());
        var wait = Executor.Spawn(WaitForItem(receiver));
        var read = Executor.Spawn(ReadOne(server));
        await new Support.SelfWakingFuture(times: 2); // let the three run to their first await
        var dump = executor.DumpTasks();
        nap.Abort();
        wait.Abort();
        read.Abort();
        await new Support.SelfWakingFuture(times: 1); // the aborted tasks are disposed before the sockets close
        client.Dispose();
        server.Dispose();
        return dump;
    }

    private static async Future<int> Nap()
    {
        await Time.Sleep(TimeSpan.FromDays(1));
        return 0;
    }

    private static async Future<int> WaitForItem(ChannelReceiver<int> receiver) => (await receiver.Receive()).Value;

    private static async Future<int> ReadOne(AsyncTcpStream stream) => await stream.ReadAsync(new byte[1]);
}
