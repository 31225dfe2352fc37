using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Tasks;

namespace AsyncGen.Net;

/// <summary>
/// The bookkeeping every socket operation future shares, embedded by value: its socket, its registration once
/// polled, its poll count, whether it finished, its claim on its direction of the socket, and its reports to
/// <see cref="AsyncGenEventSource"/>.
/// </summary>
/// <remarks>
/// <para>A mutable struct held in a mutable field of the (pinned) operation future, so calls update it in place.</para>
/// <para>From its first poll until it completes or is disposed, an operation holds its direction of the socket
/// (<see cref="EventedSocket.Claim"/>): a driver keeps one waiter per direction, so a second read (or write) started
/// meanwhile would overwrite the first one's waker and leave it asleep for ever; it throws instead.</para>
/// <para>Every way an operation ends spends one unit of the task's cooperative budget, failures included (as
/// tokio's coop does): a loop that catches an error and retries at once (an accept loop at EMFILE) would otherwise
/// spin inside one poll for ever, starving the very tasks whose completion would end the error.</para>
/// </remarks>
internal struct IoOperation(EventedSocket socket, IoOperationKind kind)
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Accept = "accept";
    public const string Connect = "connect";
    public const string ReceiveFrom = "recvfrom";
    public const string SendTo = "sendto";

    private IoRegistration? _io;
    private int _polls;
    private bool _claimed;

    public readonly EventedSocket Socket => socket;

    private readonly Direction Side => kind.Direction();

    public bool Done { get; private set; }

    /// <summary>
    /// Starts a poll: rejects polls after completion, claims the direction on the first poll, registers with the
    /// current reactor, reports the poll. False when the task has spent its cooperative budget
    /// (<see cref="CoopBudget"/>): it was woken; return Pending.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another operation of the same direction is outstanding.</exception>
    public bool TryBeginPoll(in Waker waker, out IoRegistration io)
    {
        ThrowIfDone();
        io = socket.Registration; // first: a poll refused here (no executor, another one's socket) claims nothing
        // Stored only when it changed: the operation lives in the task's heap cell, so each store is a write barrier.
        if (!ReferenceEquals(_io, io)) _io = io;
        if (!_claimed)
        {
            socket.Claim(Side, kind.Method());
            _claimed = true;
        }
        if (!CoopBudget.Proceed(waker)) return false;
        _polls++;
        if (AsyncGenEventSource.Log.IsEnabled()) Polled(kind.EventName(), socket.Fd, _polls);
        return true;
    }

    /// <summary>
    /// Completes an operation that has nothing to do (an empty buffer on a stream) on its first poll, without
    /// claiming its direction or waiting for readiness.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public Poll<T> CompleteAtOnce<T>(T value)
    {
        ThrowIfDone();
        _ = socket.Socket; // throws if disposed, as the operation would
        _polls++;
        if (AsyncGenEventSource.Log.IsEnabled()) Polled(kind.EventName(), socket.Fd, _polls);
        return Ready(value, 0);
    }

    private readonly void ThrowIfDone()
    {
        if (Done) throw PolledAfterCompletion(kind);
    }

    // Out of line: a method that builds its message inline is not inlined into every poll.
    private static InvalidOperationException PolledAfterCompletion(IoOperationKind kind) =>
        new($"The {kind.EventName()} future was polled after it completed (or was disposed).");

    /// <summary>
    /// True when the socket may be ready in the operation's direction; otherwise the waker is stored and the
    /// operation must return Pending.
    /// </summary>
    public readonly bool PollReady(IoRegistration io, in Waker waker, out ReadyEvent seen) => io.PollReady(Side, waker, out seen);

    /// <summary>The syscall returned EAGAIN: reports it and clears the readiness it was tried on.</summary>
    public readonly void WouldBlock(in ReadyEvent seen)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.WouldBlock(kind.EventName(), socket.Fd);
        _io!.ClearReadiness(seen);
    }

    public readonly Poll<T> Pending<T>()
    {
        // The event's arguments only when someone listens: EventName is a call, and Fd a load from the socket.
        if (AsyncGenEventSource.Log.IsEnabled()) Pending(kind.EventName(), socket.Fd);
        return Poll<T>.Pending;
    }

    /// <summary>Completes with <paramref name="value"/>; <paramref name="result"/> is what the event reports (bytes).</summary>
    public Poll<T> Ready<T>(T value, int result)
    {
        Finish();
        if (AsyncGenEventSource.Log.IsEnabled()) Ready(kind.EventName(), socket.Fd, _polls, result);
        return Poll<T>.Ready(value);
    }

    /// <summary>While it waits (polled, not finished): <c>ReadAsync (fd 7 readable)</c>.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (_polls == 0 || Done) return;
        frames.Add(AsyncFrame.Resource(kind.Method(), $"fd {socket.Fd} {(Side == Direction.Read ? "readable" : "writable")}"));
    }

    /// <summary>Marks the operation finished by an exception (which spends budget like a completion).</summary>
    public void Fail() => Finish();

    /// <summary>A failed attempt that does not finish the operation (it retries later): it spends budget all the same.</summary>
    public static void FailedAttempt() => CoopBudget.Spend();

    /// <summary>Disposes the operation: a pending one forgets its waker, so a later event wakes nobody.</summary>
    public void Cancel()
    {
        if (Done) return;
        Done = true;
        _io?.Cancel(Side);
        ReleaseClaim();
    }

    private void Finish()
    {
        Done = true;
        CoopBudget.Spend();
        ReleaseClaim();
    }

    private void ReleaseClaim()
    {
        if (!_claimed) return;
        _claimed = false;
        socket.Release(Side);
    }

    public static void Polled(string operation, int fd, int poll)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.OperationPolled(operation, fd, poll);
    }

    public static void Ready(string operation, int fd, int polls, int result)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.OperationReady(operation, fd, polls, result);
    }

    public static void Pending(string operation, int fd)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.OperationPending(operation, fd);
    }
}
