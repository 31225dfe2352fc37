using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Tracing;

namespace AsyncGen.Diagnostics;

/// <summary>
/// The runtime's events, under the provider name <c>AsyncGen</c>: the life of one I/O operation (poll, would-block,
/// interest registered, Pending, Ready) and of the reactor (epoll_wait returns, wakes); the life of every task
/// (spawn, polls, wakes, completion, slow polls, unobserved failures, stalls), timers and channels; and task dumps
/// on request.
/// </summary>
/// <remarks>
/// <para>Listen in-process with an <see cref="EventListener"/> that enables the source named <c>AsyncGen</c> at
/// <see cref="EventLevel.Verbose"/> (the Tour prints the seed's section 6 that way), or out of process with
/// <c>dotnet-trace collect --providers AsyncGen</c>. In-process listeners run synchronously on the thread that
/// writes the event, so a trace of one executor thread is in program order.</para>
/// <para>Every call site checks <see cref="EventSource.IsEnabled()"/> first: with no listener an event costs one
/// field read. Operation and direction names are string literals, so writing an event allocates nothing on the
/// caller's side.</para>
/// <para>Task, timer and channel events (ids 30–69) carry <see cref="Keywords"/>, so a listener can take the task
/// lifecycle without the per-poll I/O trace. Ask a running process for a dump of its tasks with the command
/// <c>Command=DumpTasks</c> (out of process: <c>dotnet-trace collect --providers AsyncGen:0x8:4:Command=DumpTasks</c>;
/// in process: <see cref="EventSource.SendCommand"/> with the same argument): each live task of each executor is
/// written as one <see cref="TaskDumped"/> event.</para>
/// </remarks>
[EventSource(Name = "AsyncGen")]
internal sealed class AsyncGenEventSource : EventSource
{
    /// <summary>The one instance.</summary>
    public static readonly AsyncGenEventSource Log = new();

    private AsyncGenEventSource() { }

    /// <summary>The keywords of the task, timer, channel and dump events (the I/O events 1–7 have none).</summary>
    public static class Keywords
    {
        /// <summary>Task lifecycle: spawn, polls, wakes, completion, slow polls, unobserved failures, stalls.</summary>
        public const EventKeywords Tasks = (EventKeywords)0x1;

        /// <summary>Timers armed and fired.</summary>
        public const EventKeywords Timers = (EventKeywords)0x2;

        /// <summary>Channel sends, receives, waits and closes.</summary>
        public const EventKeywords Channels = (EventKeywords)0x4;

        /// <summary>Task dumps written on request (the <c>DumpTasks</c> command).</summary>
        public const EventKeywords Dump = (EventKeywords)0x8;
    }

    /// <summary>The argument of the command that writes a dump of every live task: <c>Command=DumpTasks</c>.</summary>
    public const string DumpTasksCommand = "DumpTasks";

    /// <summary>True when task events at <paramref name="level"/> have a listener: one check before building a payload.</summary>
    [NonEvent]
    public bool TasksEnabled(EventLevel level) => IsEnabled(level, Keywords.Tasks);

    /// <summary>An I/O operation future was polled (<paramref name="poll"/> counts from 1).</summary>
    [Event(1, Level = EventLevel.Verbose, Message = "poll #{2}: {0} on fd {1}")]
    public void OperationPolled(string operation, int fd, int poll) => WriteEvent(1, operation, fd, poll);

    /// <summary>The non-blocking syscall returned EAGAIN: the reactor's readiness was stale.</summary>
    [Event(2, Level = EventLevel.Verbose, Message = "{0} on fd {1} would block")]
    public void WouldBlock(string operation, int fd) => WriteEvent(2, operation, fd);

    /// <summary>The task's waker is stored for <paramref name="direction"/> readiness of <paramref name="fd"/>.</summary>
    [Event(3, Level = EventLevel.Verbose, Message = "waker registered for fd {0} {1}")]
    public void InterestRegistered(int fd, string direction) => WriteEvent(3, fd, direction);

    /// <summary>The operation returned Pending: its task is parked until the reactor wakes it.</summary>
    [Event(4, Level = EventLevel.Verbose, Message = "{0} on fd {1} returned Pending")]
    public void OperationPending(string operation, int fd) => WriteEvent(4, operation, fd);

    /// <summary>epoll_wait returned <paramref name="events"/> events after being called with <paramref name="timeoutMs"/>.</summary>
    [Event(5, Level = EventLevel.Verbose, Message = "epoll_wait(timeout {0} ms) returned {1} event(s)")]
    public void EpollWaitReturned(int timeoutMs, int events) => WriteEvent(5, timeoutMs, events);

    /// <summary>The reactor woke the task waiting for <paramref name="direction"/> readiness of <paramref name="fd"/>.</summary>
    [Event(6, Level = EventLevel.Verbose, Message = "fd {0} {1}: waker woken")]
    public void WakerWoken(int fd, string direction) => WriteEvent(6, fd, direction);

    /// <summary>The operation completed with <paramref name="result"/> (bytes, or 0) after <paramref name="polls"/> polls.</summary>
    [Event(7, Level = EventLevel.Verbose, Message = "{0} on fd {1} Ready({3}) after {2} poll(s)")]
    public void OperationReady(string operation, int fd, int polls, int result) => WriteEvent(7, operation, fd, polls, result);

    /// <summary>
    /// The requested I/O driver could not be built (e.g. io_uring disabled by the kernel or a seccomp filter), so
    /// an executor runs on <paramref name="chosen"/> instead. Id 20: far from the operation events' range.
    /// </summary>
    [Event(20, Level = EventLevel.Warning, Message = "I/O driver {0} unavailable ({2}); using {1}")]
    public void DriverFallback(string requested, string chosen, string reason) => WriteEvent(20, requested, chosen, reason);

    /// <summary>
    /// A driver was disposed while the kernel could still hold some of its requests (a worker ring whose worker
    /// ended without draining it, or a request the cancel did not end): their buffers and registrations are leaked
    /// rather than freed under the kernel. Id 21: beside the driver fallback.
    /// </summary>
    [Event(21, Level = EventLevel.Warning, Message = "I/O driver {0} disposed with {1} request(s) in flight and {2} worker ring(s) not drained: their memory is leaked, not freed")]
    public void DriverMemoryLeaked(string driver, long inFlight, int undrainedRings) => WriteEvent(21, driver, inFlight, undrainedRings);

    // Ids 30-69: tasks, timers, channels, dumps (see Keywords). Payloads the base class has no WriteEvent overload
    // for go through WriteTyped: a WriteEvent overload declared here would hide the base ones and capture their
    // calls through implicit conversions (int → long → double).

    /// <summary>
    /// A task was spawned: <paramref name="name"/> is what was spawned, <paramref name="file"/>:<paramref name="line"/>
    /// where its method is declared (empty and 0 when its future cannot say).
    /// </summary>
    [Event(30, Level = EventLevel.Verbose, Keywords = Keywords.Tasks, Message = "task #{0} {1} spawned on {2} at {3}:{4}")]
    public void TaskSpawned(long taskId, string name, string executor, string file, int line) =>
        WriteTyped(30, taskId, name, executor, file, line);

    /// <summary>A poll of the task begins.</summary>
    [Event(31, Level = EventLevel.Verbose, Keywords = Keywords.Tasks, Message = "task #{0} poll start")]
    public void TaskPollStart(long taskId) => WriteEvent(31, taskId);

    /// <summary>A poll of the task returned after <paramref name="durationMs"/>.</summary>
    [Event(32, Level = EventLevel.Verbose, Keywords = Keywords.Tasks, Message = "task #{0} poll stop after {1} ms")]
    public void TaskPollStop(long taskId, double durationMs) => WriteTyped(32, taskId, durationMs);

    /// <summary>A wake scheduled the task; <paramref name="origin"/> is <c>same_thread</c> or <c>other_thread</c>.</summary>
    [Event(33, Level = EventLevel.Verbose, Keywords = Keywords.Tasks, Message = "task #{0} woken from {1}")]
    public void TaskWoken(long taskId, string origin) => WriteEvent(33, taskId, origin);

    /// <summary>The task finished with a result after <paramref name="polls"/> polls.</summary>
    [Event(34, Level = EventLevel.Verbose, Keywords = Keywords.Tasks, Message = "task #{0} completed after {1} poll(s)")]
    public void TaskCompleted(long taskId, long polls) => WriteEvent(34, taskId, polls);

    /// <summary>The task finished with an exception.</summary>
    [Event(35, Level = EventLevel.Informational, Keywords = Keywords.Tasks, Message = "task #{0} {1} faulted: {2}: {3}")]
    public void TaskFaulted(long taskId, string name, string exceptionType, string message) =>
        WriteTyped(35, taskId, name, exceptionType, message);

    /// <summary>The task was disposed before it finished without an abort request: its executor was disposed (aborts: <see cref="TaskAborted"/>).</summary>
    [Event(36, Level = EventLevel.Verbose, Keywords = Keywords.Tasks, Message = "task #{0} cancelled after {1} poll(s)")]
    public void TaskCancelled(long taskId, long polls) => WriteEvent(36, taskId, polls);

    /// <summary>
    /// A poll ran longer than the slow-poll threshold: it blocked its executor thread. <paramref name="resumedFrom"/>
    /// is the await it resumed from (the innermost frame before the poll).
    /// </summary>
    [Event(37, Level = EventLevel.Warning, Keywords = Keywords.Tasks, Message = "task #{0} {1}: a poll took {2} ms (resumed from {3}); something in it blocks the executor thread")]
    public void SlowPoll(long taskId, string name, double durationMs, string resumedFrom) =>
        WriteTyped(37, taskId, name, durationMs, resumedFrom);

    /// <summary>A task faulted and its join handle was dropped without being awaited.</summary>
    [Event(38, Level = EventLevel.Error, Keywords = Keywords.Tasks, Message = "task #{0} {1} faulted and nobody awaited it: {2}: {3}")]
    public void UnobservedTaskFailure(long taskId, string name, string exceptionType, string message) =>
        WriteTyped(38, taskId, name, exceptionType, message);

    /// <summary>BlockOn has waited longer than the stall-report threshold for a task; <paramref name="report"/> says why.</summary>
    [Event(39, Level = EventLevel.Warning, Keywords = Keywords.Tasks, Message = "task #{0} stalled: {1}")]
    public void TaskStalled(long taskId, string report) => WriteEvent(39, taskId, report);

    /// <summary>One live task of a dump (see <see cref="DumpTasksCommand"/>).</summary>
    [Event(40, Level = EventLevel.Informational, Keywords = Keywords.Dump, Message = "{0} task #{1} {2} {3}, {4} poll(s), idle {5} ms: {6}")]
    public void TaskDumped(string executor, long taskId, string name, string state, int polls, double sinceLastPollMs, string backtrace) =>
        WriteTyped(40, executor, taskId, name, state, polls, sinceLastPollMs, backtrace);

    /// <summary>
    /// The task was disposed before it finished because an abort was requested (<c>JoinHandle.Abort</c>,
    /// <c>AbortHandle</c>, <c>JoinSet</c>, a <c>BlockOn</c> limit).
    /// </summary>
    [Event(41, Level = EventLevel.Verbose, Keywords = Keywords.Tasks, Message = "task #{0} aborted after {1} poll(s)")]
    public void TaskAborted(long taskId, long polls) => WriteEvent(41, taskId, polls);

    /// <summary>A timer was armed for <paramref name="deadlineMs"/> on the <see cref="Time.NowMs"/> clock.</summary>
    [Event(50, Level = EventLevel.Verbose, Keywords = Keywords.Timers, Message = "timer armed for {0} ms")]
    public void TimerArmed(long deadlineMs) => WriteEvent(50, deadlineMs);

    /// <summary><paramref name="count"/> timers reached their deadline at <paramref name="nowMs"/>.</summary>
    [Event(51, Level = EventLevel.Verbose, Keywords = Keywords.Timers, Message = "{0} timer(s) fired at {1} ms")]
    public void TimersFired(int count, long nowMs) => WriteTyped(51, count, nowMs);

    /// <summary>An item entered channel <paramref name="channelId"/>, which now holds <paramref name="queued"/>.</summary>
    [Event(60, Level = EventLevel.Verbose, Keywords = Keywords.Channels, Message = "channel {0}: sent, {1} queued")]
    public void ChannelSent(int channelId, int queued) => WriteEvent(60, channelId, queued);

    /// <summary>The receiver took an item from channel <paramref name="channelId"/>.</summary>
    [Event(61, Level = EventLevel.Verbose, Keywords = Keywords.Channels, Message = "channel {0}: received, {1} queued")]
    public void ChannelReceived(int channelId, int queued) => WriteEvent(61, channelId, queued);

    /// <summary>The receiver found channel <paramref name="channelId"/> empty and waits.</summary>
    [Event(62, Level = EventLevel.Verbose, Keywords = Keywords.Channels, Message = "channel {0}: receiver waits")]
    public void ChannelReceiverWaiting(int channelId) => WriteEvent(62, channelId);

    /// <summary>Channel <paramref name="channelId"/> was closed.</summary>
    [Event(63, Level = EventLevel.Verbose, Keywords = Keywords.Channels, Message = "channel {0}: closed")]
    public void ChannelClosed(int channelId) => WriteEvent(63, channelId);

    /// <inheritdoc/>
    protected override void OnEventCommand(EventCommandEventArgs command)
    {
        if (command.Arguments is { } arguments && arguments.TryGetValue("Command", out var name) && name == DumpTasksCommand)
            WriteTaskDump();
    }

    /// <summary>Writes one <see cref="TaskDumped"/> event per live task of every executor.</summary>
    [NonEvent]
    public void WriteTaskDump()
    {
        foreach (var executor in RuntimeMeter.Executors())
        {
            if (executor.Dump is not { } dump) continue;
            foreach (var task in dump())
            {
                TaskDumped(executor.Name, task.Id, task.Name, task.State, task.Polls, task.SinceLastPoll.TotalMilliseconds,
                    AsyncBacktrace.Format(task.Backtrace));
            }
        }
    }

    // Ids 100-109: the fallback builder (Core/Fallback).

    /// <summary>A fallback state machine for <paramref name="method"/> started (see <see cref="Fallback.FallbackMachines"/>).</summary>
    [Event(100, Level = EventLevel.Warning, Message = "{0} started on the fallback builder (not a generated machine)")]
    public void FallbackMachineStarted(string method) => WriteEvent(100, method);

    /// <summary>
    /// A fallback machine of <paramref name="method"/> was disposed while its cleanup awaited a callback awaiter (see
    /// <see cref="Fallback.FallbackMachines.CleanupAbandoned"/>), in task <paramref name="taskId"/> (0: outside any task).
    /// </summary>
    [Event(101, Version = 1, Level = EventLevel.Warning, Message = "{0} (fallback builder, task #{1}) was disposed while its cleanup awaited a callback awaiter: the cleanup after that await does not run")]
    public void FallbackCleanupAbandoned(string method, long taskId) => WriteEvent(101, method, taskId);

    // Ids 110-119: cleanup of cancelled futures: await using disposals (Core/AsyncDisposal), awaiting finally blocks (Executors/CancelledCleanup).

    /// <summary>
    /// A cancelled future's Dispose started the DisposeAsync of a <paramref name="resourceType"/> that did not finish
    /// at once (see <see cref="AsyncDisposal"/>); the future was task <paramref name="taskId"/>'s (0: outside any task).
    /// </summary>
    [Event(110, Version = 1, Level = EventLevel.Warning, Message = "DisposeAsync of {0} (await using of a disposed future of task #{1}) detached: it finishes after the future's Dispose returned")]
    public void AsyncDisposalDetached(string resourceType, long taskId) => WriteEvent(110, resourceType, taskId);

    /// <summary>
    /// A cancelled generated machine of <paramref name="method"/> skipped the rest of the awaiting finally block of the
    /// statement at <paramref name="line"/>, inside which it was suspended (see <see cref="CancelledCleanup"/>), in task
    /// <paramref name="taskId"/> (0: outside any task).
    /// </summary>
    [Event(111, Version = 2, Level = EventLevel.Warning, Message = "{0} (task #{2}) was disposed while suspended inside the finally block of the statement of line {1}: the rest of that block does not run")]
    public void CancelledFinallySkipped(string method, int line, long taskId) => WriteTyped(111, method, line, taskId);

    /// <summary>
    /// A disposed generated machine of <paramref name="method"/> entered a finally block that awaits and had to wait:
    /// it finishes in a task of its own (see <see cref="CancelledCleanup"/>); the future was task
    /// <paramref name="taskId"/>'s (0: outside any task).
    /// </summary>
    [Event(112, Level = EventLevel.Warning, Message = "{0} (a disposed future of task #{1}) waits in a finally block: the cleanup goes on after Dispose returned (in a task of its own, or in the aborted task), with no one waiting for it")]
    public void CancelledCleanupDetached(string method, long taskId) => WriteEvent(112, method, taskId);

    [NonEvent]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The payload is a string and ints: primitives, nothing to trim.")]
    private unsafe void WriteEvent(int eventId, string arg1, int arg2, int arg3, int arg4)
    {
        fixed (char* text = arg1)
        {
            EventData* data = stackalloc EventData[4];
            data[0] = new EventData { DataPointer = (nint)text, Size = (arg1.Length + 1) * sizeof(char) };
            data[1] = new EventData { DataPointer = (nint)(&arg2), Size = sizeof(int) };
            data[2] = new EventData { DataPointer = (nint)(&arg3), Size = sizeof(int) };
            data[3] = new EventData { DataPointer = (nint)(&arg4), Size = sizeof(int) };
            WriteEventCore(eventId, 4, data);
        }
    }

    [NonEvent]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Primitives and strings: nothing to trim.")]
    private unsafe void WriteTyped(int eventId, long arg1, string arg2, string arg3, string arg4, int arg5)
    {
        fixed (char* text2 = arg2, text3 = arg3, text4 = arg4)
        {
            EventData* data = stackalloc EventData[5];
            data[0] = Data(&arg1, sizeof(long));
            data[1] = Data(text2, arg2);
            data[2] = Data(text3, arg3);
            data[3] = Data(text4, arg4);
            data[4] = Data(&arg5, sizeof(int));
            WriteEventCore(eventId, 5, data);
        }
    }

    [NonEvent]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Primitives and strings: nothing to trim.")]
    private unsafe void WriteTyped(int eventId, long arg1, double arg2)
    {
        EventData* data = stackalloc EventData[2];
        data[0] = Data(&arg1, sizeof(long));
        data[1] = Data(&arg2, sizeof(double));
        WriteEventCore(eventId, 2, data);
    }

    [NonEvent]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Primitives and strings: nothing to trim.")]
    private unsafe void WriteTyped(int eventId, long arg1, string arg2, string arg3, string arg4)
    {
        fixed (char* text2 = arg2, text3 = arg3, text4 = arg4)
        {
            EventData* data = stackalloc EventData[4];
            data[0] = Data(&arg1, sizeof(long));
            data[1] = Data(text2, arg2);
            data[2] = Data(text3, arg3);
            data[3] = Data(text4, arg4);
            WriteEventCore(eventId, 4, data);
        }
    }

    [NonEvent]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Primitives and strings: nothing to trim.")]
    private unsafe void WriteTyped(int eventId, long arg1, string arg2, double arg3, string arg4)
    {
        fixed (char* text2 = arg2, text4 = arg4)
        {
            EventData* data = stackalloc EventData[4];
            data[0] = Data(&arg1, sizeof(long));
            data[1] = Data(text2, arg2);
            data[2] = Data(&arg3, sizeof(double));
            data[3] = Data(text4, arg4);
            WriteEventCore(eventId, 4, data);
        }
    }

    [NonEvent]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Primitives and strings: nothing to trim.")]
    private unsafe void WriteTyped(int eventId, string arg1, long arg2, string arg3, string arg4, int arg5, double arg6, string arg7)
    {
        fixed (char* text1 = arg1, text3 = arg3, text4 = arg4, text7 = arg7)
        {
            EventData* data = stackalloc EventData[7];
            data[0] = Data(text1, arg1);
            data[1] = Data(&arg2, sizeof(long));
            data[2] = Data(text3, arg3);
            data[3] = Data(text4, arg4);
            data[4] = Data(&arg5, sizeof(int));
            data[5] = Data(&arg6, sizeof(double));
            data[6] = Data(text7, arg7);
            WriteEventCore(eventId, 7, data);
        }
    }

    [NonEvent]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Primitives and strings: nothing to trim.")]
    private unsafe void WriteTyped(int eventId, int arg1, long arg2)
    {
        EventData* data = stackalloc EventData[2];
        data[0] = Data(&arg1, sizeof(int));
        data[1] = Data(&arg2, sizeof(long));
        WriteEventCore(eventId, 2, data);
    }

    [NonEvent]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Primitives and strings: nothing to trim.")]
    private unsafe void WriteTyped(int eventId, string arg1, int arg2, long arg3)
    {
        fixed (char* text1 = arg1)
        {
            EventData* data = stackalloc EventData[3];
            data[0] = Data(text1, arg1);
            data[1] = Data(&arg2, sizeof(int));
            data[2] = Data(&arg3, sizeof(long));
            WriteEventCore(eventId, 3, data);
        }
    }

    private static unsafe EventData Data(void* value, int size) => new() { DataPointer = (nint)value, Size = size };

    private static unsafe EventData Data(char* text, string value) => new() { DataPointer = (nint)text, Size = (value.Length + 1) * sizeof(char) };
}
