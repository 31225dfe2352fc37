using AsyncGen.Diagnostics;
using AsyncGen.Drivers;
using AsyncGen.Tasks;

namespace AsyncGen.Net;

/// <summary>
/// The bookkeeping every socket operation future shares, embedded by value: its socket, its registration once
/// polled, its poll count, whether it finished, and its reports to <see cref="AsyncGenEventSource"/>.
/// </summary>
/// <remarks>A mutable struct held in a mutable field of the (pinned) operation future, so calls update it in place.</remarks>
internal struct IoOperation(EventedSocket socket, string name)
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Accept = "accept";
    public const string Connect = "connect";
    public const string ReceiveFrom = "recvfrom";
    public const string SendTo = "sendto";

    private IoRegistration? _io;
    private int _polls;

    public readonly EventedSocket Socket => socket;

    public bool Done { get; private set; }

    /// <summary>
    /// Starts a poll: rejects polls after completion, registers with the current reactor, reports the poll. False
    /// when the task has spent its cooperative budget (<see cref="CoopBudget"/>): it was woken; return Pending.
    /// </summary>
    public bool TryBeginPoll(in Waker waker, out IoRegistration io)
    {
        if (Done) throw new InvalidOperationException($"The {name} future was polled after it completed (or was disposed).");
        if (!CoopBudget.Proceed(waker))
        {
            io = null!;
            return false;
        }
        io = _io = socket.Registration;
        Polled(name, socket.Fd, ++_polls);
        return true;
    }

    /// <summary>The syscall returned EAGAIN: reports it and clears the readiness it was tried on.</summary>
    public readonly void WouldBlock(in ReadyEvent seen)
    {
        if (AsyncGenEventSource.Log.IsEnabled()) AsyncGenEventSource.Log.WouldBlock(name, socket.Fd);
        _io!.ClearReadiness(seen);
    }

    public readonly Poll<T> Pending<T>()
    {
        Pending(name, socket.Fd);
        return Poll<T>.Pending;
    }

    /// <summary>Completes with <paramref name="value"/>; <paramref name="result"/> is what the event reports (bytes).</summary>
    public Poll<T> Ready<T>(T value, int result)
    {
        Done = true;
        CoopBudget.Spend();
        Ready(name, socket.Fd, _polls, result);
        return Poll<T>.Ready(value);
    }

    /// <summary>Marks the operation finished by an exception.</summary>
    public void Fail() => Done = true;

    /// <summary>Disposes the operation: a pending one forgets its waker, so a later event wakes nobody.</summary>
    public void Cancel(Direction direction)
    {
        if (Done) return;
        Done = true;
        _io?.Cancel(direction);
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
