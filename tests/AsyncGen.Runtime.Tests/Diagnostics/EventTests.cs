using System.Diagnostics.Tracing;
using AsyncGen.Diagnostics;
using AsyncGen.Runtime.Tests.Net;
using AsyncGen.Runtime.Tests.Support;
using AsyncGen.Sync;

namespace AsyncGen.Runtime.Tests.Diagnostics;

/// <summary>The task, timer and channel events of the AsyncGen EventSource, on small scenarios.</summary>
[Collection(SerialCollection.Name)]
public class EventTests
{
    /// <summary>
    /// Records the AsyncGen events (name and payload) written while it lives; with <paramref name="anyThread"/> false,
    /// only those written on the thread that created it.
    /// </summary>
    /// <remarks>
    /// EventSource events are process-wide: executors that earlier tests left behind (a timer still armed, a worker
    /// finishing a task) and, under load, any poll that the OS descheduled long enough to look slow, write events
    /// while a scenario runs. Scenarios that run entirely on the test thread (a <see cref="LocalExecutor"/> or
    /// <c>Executor.BlockOn</c>) therefore keep only that thread's events; a listener calls
    /// <see cref="OnEventWritten"/> synchronously on the thread that wrote the event.
    /// </remarks>
    internal sealed class Recorder(EventLevel level, EventKeywords keywords, IDictionary<string, string?>? arguments = null, bool anyThread = false) : EventListener
    {
        private readonly int _thread = Environment.CurrentManagedThreadId;
        private readonly List<EventWrittenEventArgs> _events = [];
        private readonly List<EventSource> _pending = [];
        private bool _ready;

        public IReadOnlyList<EventWrittenEventArgs> Events
        {
            get { lock (_events) return [.. _events]; }
        }

        public IEnumerable<EventWrittenEventArgs> Named(string name) => Events.Where(e => e.EventName == name);

        /// <summary>Enables the source once the constructor ran (OnEventSourceCreated runs inside the base constructor).</summary>
        public Recorder Start()
        {
            lock (_pending)
            {
                _ready = true;
                foreach (var source in _pending) EnableEvents(source, level, keywords, arguments);
            }
            return this;
        }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name != "AsyncGen") return;
            lock (_pending)
            {
                if (_ready) EnableEvents(source, level, keywords, arguments);
                else _pending.Add(source);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!anyThread && Environment.CurrentManagedThreadId != _thread) return;
            lock (_events) _events.Add(e);
        }
    }

    private const EventKeywords All = AsyncGenEventSource.Keywords.Tasks | AsyncGenEventSource.Keywords.Timers | AsyncGenEventSource.Keywords.Channels;

    private static long Id(EventWrittenEventArgs e) => (long)e.Payload![0]!;

    [Fact]
    public void A_task_life_is_traced_spawn_polls_wakes_and_completion()
    {
        using var events = new Recorder(EventLevel.Verbose, All).Start();
        using var executor = new LocalExecutor();
        var handle = executor.Spawn(new SelfWakingFuture(times: 2));
        executor.Run();

        long id = Id(Assert.Single(events.Named("TaskSpawned"), e => (string)e.Payload![1]! == "SelfWakingFuture"));
        Assert.StartsWith("local-", (string)events.Named("TaskSpawned").First(e => Id(e) == id).Payload![2]!);
        Assert.Equal(3, events.Named("TaskPollStart").Count(e => Id(e) == id));
        Assert.Equal(3, events.Named("TaskPollStop").Count(e => Id(e) == id));
        Assert.Equal(3, events.Named("TaskWoken").Count(e => Id(e) == id && (string)e.Payload![1]! == "same_thread"));
        var completed = Assert.Single(events.Named("TaskCompleted"), e => Id(e) == id);
        Assert.Equal(3L, completed.Payload![1]);
        Assert.True(handle.IsCompleted);
    }

    [Fact]
    public void Faults_and_cancellations_are_traced()
    {
        using var events = new Recorder(EventLevel.Verbose, All).Start();
        using var executor = new LocalExecutor();
        var faulted = executor.Spawn(Throwing());
        var aborted = executor.Spawn(Time.Sleep(TimeSpan.FromDays(1)));
        long abortedId = aborted.Task.Id; // while it lives: a completed task's slot no longer keeps its id
        executor.BlockOn(new SelfWakingFuture(times: 3));
        aborted.Abort();
        executor.Run();
        Assert.Throws<InvalidOperationException>(() => executor.BlockOn(faulted));

        var fault = Assert.Single(events.Named("TaskFaulted"), e => (string)e.Payload![1]! == "Throwing");
        Assert.Equal("System.InvalidOperationException", fault.Payload![2]);
        Assert.Equal("traced boom", fault.Payload![3]);
        var abort = Assert.Single(events.Named("TaskAborted"));
        Assert.Equal(abortedId, (long)abort.Payload![0]!);
        Assert.Empty(events.Named("TaskCancelled"));                       // an abort is not a shutdown's cancellation
        Assert.Single(events.Named("TimerArmed"));

        // A task its executor disposes at shutdown, without an abort request, is cancelled.
        var shutDown = new LocalExecutor();
        var waiting = shutDown.Spawn(Time.Sleep(TimeSpan.FromDays(1)));
        long waitingId = waiting.Task.Id;
        shutDown.BlockOn(new SelfWakingFuture(times: 1));
        shutDown.Dispose();
        var cancelled = Assert.Single(events.Named("TaskCancelled"));
        Assert.Equal(waitingId, (long)cancelled.Payload![0]!);
        Assert.Single(events.Named("TaskAborted"));
    }

    [Fact]
    public void Timers_fired_and_channel_traffic_are_traced()
    {
        using var events = new Recorder(EventLevel.Verbose, All).Start();
        var (sender, receiver) = AsyncChannel.Unbounded<int>();
        Executor.BlockOn(PingAfterSleep(sender, receiver, timerArmed: () => events.Named("TimerArmed").Any()));

        Assert.Single(events.Named("TimerArmed"));
        Assert.Equal(1, (int)Assert.Single(events.Named("TimersFired")).Payload![0]!);
        int channel = (int)Assert.Single(events.Named("ChannelReceiverWaiting")).Payload![0]!;
        Assert.Equal(1, (int)Assert.Single(events.Named("ChannelSent")).Payload![1]!);
        var received = Assert.Single(events.Named("ChannelReceived"));
        Assert.Equal(channel, (int)received.Payload![0]!);
        Assert.Equal(0, (int)received.Payload![1]!);
        Assert.Equal(channel, (int)Assert.Single(events.Named("ChannelClosed")).Payload![0]!);
    }

    [Fact]
    public void A_slow_poll_raises_a_warning_naming_the_task_and_the_await_it_resumed_from()
    {
        using var events = new Recorder(EventLevel.Warning, AsyncGenEventSource.Keywords.Tasks).Start();
        Executor.BlockOn(Blocking());

        var slow = Assert.Single(events.Named("SlowPoll"));
        Assert.Equal(EventLevel.Warning, slow.Level);
        Assert.Equal("Blocking", slow.Payload![1]);
        Assert.True((double)slow.Payload![2]! >= 10);
        Assert.Equal("EventTests.Blocking", slow.Payload![3]);
        Assert.Empty(events.Named("TaskPollStart")); // verbose events stay off at Warning
    }

    [Fact]
    public void Without_a_listener_at_warning_level_no_event_is_written_for_a_slow_poll()
    {
        using var events = new Recorder(EventLevel.Error, AsyncGenEventSource.Keywords.Tasks).Start();
        Executor.BlockOn(Blocking());
        Assert.Empty(events.Events);
    }

    [Fact]
    public void The_DumpTasks_command_writes_one_event_per_live_task()
    {
        using var executor = new WorkStealingExecutor(workerCount: 1);
        var sleeping = executor.Spawn(Nap());
        SpinWait.SpinUntil(() => executor.DumpTasks().Any(t => t.Backtrace.Count > 0), TimeSpan.FromSeconds(5));

        using var events = new Recorder(EventLevel.Informational, AsyncGenEventSource.Keywords.Dump,
            new Dictionary<string, string?> { ["Command"] = AsyncGenEventSource.DumpTasksCommand }, anyThread: true).Start(); // filtered by executor below

        var dumped = Assert.Single(events.Named("TaskDumped"), e => (string)e.Payload![0]! == executor.Metrics.Name);
        Assert.Equal("Nap", dumped.Payload![2]);
        Assert.Equal("idle", dumped.Payload![3]);
        Assert.StartsWith("Time.Sleep (timer due in ", (string)dumped.Payload![6]!);
        Assert.EndsWith("\u2190 EventTests.Nap", (string)dumped.Payload![6]!);
        sleeping.Abort();
    }

    [Fact]
    public void A_BlockOn_without_a_limit_reports_its_stall_when_asked_and_keeps_waiting()
    {
        using var events = new Recorder(EventLevel.Warning, AsyncGenEventSource.Keywords.Tasks, anyThread: true).Start(); // a worker's stall too
        var previous = RuntimeDiagnostics.StallReportAfter;
        RuntimeDiagnostics.StallReportAfter = TimeSpan.FromMilliseconds(30);
        try
        {
            Executor.BlockOn(ShortNap());
            using var shared = new WorkStealingExecutor(workerCount: 1);
            shared.BlockOn(ShortNap());
        }
        finally
        {
            RuntimeDiagnostics.StallReportAfter = previous;
        }

        // Only this test's tasks: the recorder hears every thread, and tests running in parallel provoke stalls of their
        // own (some deliberately lost wake-ups, AG0102).
        var stalls = events.Named("TaskStalled").Select(e => (string)e.Payload![1]!).Where(r => r.Contains(nameof(ShortNap))).ToList();
        Assert.True(stalls.Count >= 2);
        Assert.All(stalls, report => Assert.Contains("has not completed after", report));
        Assert.All(stalls, report => Assert.DoesNotContain("AG0102", report)); // sleeping is not a lost wake-up
        Assert.Contains(stalls, report => report.Contains("still waiting on Time.Sleep (timer due in"));
    }

    private static async Future<int> Throwing()
    {
        await new SelfWakingFuture(times: 1);
        throw new InvalidOperationException("traced boom");
    }

    private static async Future<int> PingAfterSleep(ChannelSender<int> sender, ChannelReceiver<int> receiver, Func<bool> timerArmed)
    {
        var pong = Executor.Spawn(Receive(receiver));
        // A sleep whose deadline passed before its first poll (this thread descheduled or compiling for 5 ms, as under
        // load) completes there without arming a timer, so without an event and without letting the receiver wait
        // first: sleep again until one was armed, which leaves exactly one armed and fired timer in the trace.
        do await Time.Sleep(TimeSpan.FromMilliseconds(5));
        while (!timerArmed());
        await sender.Send(7);
        int value = await pong;
        sender.Close();
        return value;
    }

    private static async Future<int> Receive(ChannelReceiver<int> receiver) => (await receiver.Receive()).Value;

    private static async Future<int> Blocking()
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        Thread.Sleep(30); // blocks the executor thread: exactly what the detector is for
        return 1;
    }

    private static async Future<int> Nap()
    {
        await Time.Sleep(TimeSpan.FromDays(1));
        return 1;
    }

    private static async Future<int> ShortNap()
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(150));
        return 1;
    }
}
