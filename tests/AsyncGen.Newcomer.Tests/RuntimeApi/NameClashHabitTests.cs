// Every namespace a .NET service file tends to import, beside AsyncGen's: no name used below may be ambiguous
// (CS0104) or bind to the BCL type of the same name. This file compiling is most of the test.
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using System.Threading.Tasks;
using System.Timers;
using AsyncGen.Diagnostics;
using AsyncGen.Hosting;
using AsyncGen.Net;
using AsyncGen.Sync;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncGen.Newcomer.Tests.RuntimeApi;

/// <summary>
/// AsyncGen's names in a file that also imports System.Threading.Tasks, System.Threading.Channels, System.Timers,
/// System.IO.Pipelines, System.Net.Sockets, System.Diagnostics and the hosting namespaces. .NET: every BCL name keeps
/// meaning what it means (<c>Task</c>, <c>Channel</c>, <c>Timer</c>, <c>Timeout</c>, <c>Semaphore</c>, <c>Mutex</c>).
/// </summary>
public partial class NameClashHabitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PollAsync]
    private static async Future<string> UseEverything()
    {
        var (sender, receiver) = AsyncChannel.Bounded<int>(1);            // not System.Threading.Channels.Channel
        var bcl = Channel.CreateUnbounded<int>();                          // still the BCL's
        var (reply, replied) = Oneshot.Create<string>();
        var semaphore = new AsyncSemaphore(1);                             // System.Threading.Semaphore stays the OS one
        var mutex = new AsyncMutex<int>(0);
        var notify = new Notify();
        Interval ticks = Time.Interval(TimeSpan.FromMilliseconds(1));      // System.Timers has Timer, not Interval
        using var timer = new System.Timers.Timer(1000);
        JoinHandle<int> handle = Executor.Spawn(Add(1, 2));
        using var set = new JoinSet<int>();
        set.Spawn(Add(3, 4));
        await sender.Send(5);
        bcl.Writer.TryWrite(6);
        reply.Send("ok");
        using (await semaphore.Acquire())
        using (var guard = await mutex.Lock())
        {
            guard.Value++;
        }
        notify.NotifyOne();
        await notify.Notified();
        await ticks.Tick();
        ReceiveResult<int> received = await receiver.Receive();
        Either<int, Unit> either = await Future.Select(Add(0, 1), Time.Sleep(Timeout.InfiniteTimeSpan));
        int timedOut = await Time.Timeout(Add(1, 1), TimeSpan.FromSeconds(10));
        await Task.Yield();
        await Future.Yield();
        // JoinNext gives a JoinHandle<int>? (null once the set is empty): `await joined` on the nullable itself is
        // CS0411, so test it first, as JoinSet's example does.
        var joined = await set.JoinNext() is { } done ? await done : -1;
        Unit unit = default;
        Poll<int> poll = Poll<int>.Ready(1);
        return $"{await handle} {received.Value} {(await replied).Value} {either.First} {timedOut} {joined} {unit} {poll.IsReady} {bcl.Reader.TryRead(out var six) && six == 6}";
    }

    [PollAsync]
    private static async Future<int> Add(int a, int b)
    {
        await Future.Yield();
        return a + b;
    }

    [Fact]
    public void AsyncGen_names_beside_the_BCL_namespaces_a_service_imports()
    {
        Assert.Equal("3 5 ok 1 2 7 () True True", Executor.BlockOn(UseEverything(), Limit));
    }
}
