using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Tracing;

namespace AsyncGen.Diagnostics;

/// <summary>
/// The runtime's events, under the provider name <c>AsyncGen</c>: the life of one I/O operation (poll, would-block,
/// interest registered, Pending, Ready) and of the reactor (epoll_wait returns, wakes).
/// </summary>
/// <remarks>
/// <para>Listen in-process with an <see cref="EventListener"/> that enables the source named <c>AsyncGen</c> at
/// <see cref="EventLevel.Verbose"/> (the Tour prints the seed's section 6 that way), or out of process with
/// <c>dotnet-trace collect --providers AsyncGen</c>. In-process listeners run synchronously on the thread that
/// writes the event, so a trace of one executor thread is in program order.</para>
/// <para>Every call site checks <see cref="EventSource.IsEnabled()"/> first: with no listener an event costs one
/// field read. Operation and direction names are string literals, so writing an event allocates nothing on the
/// caller's side.</para>
/// </remarks>
[EventSource(Name = "AsyncGen")]
internal sealed class AsyncGenEventSource : EventSource
{
    /// <summary>The one instance.</summary>
    public static readonly AsyncGenEventSource Log = new();

    private AsyncGenEventSource() { }

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

    // Ids 100-109: the fallback builder (Core/Fallback).

    /// <summary>A fallback state machine for <paramref name="method"/> started (see <see cref="Fallback.FallbackMachines"/>).</summary>
    [Event(100, Level = EventLevel.Warning, Message = "{0} started on the fallback builder (not a generated machine)")]
    public void FallbackMachineStarted(string method) => WriteEvent(100, method);

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
}
