using AsyncGen.Diagnostics;
using AsyncGen.Reactor;
using AsyncGen.Tasks;

namespace AsyncGen.Net;

/// <summary>
/// The bookkeeping every socket operation future shares, embedded by value: its socket, its registration once
/// polled, its poll count, whether it finished, its waiter id once it has waited, and its reports to
/// <see cref="AsyncGenEventSource"/>.
/// </summary>
/// <remarks>
/// <para>A mutable struct held in a mutable field of the (pinned) operation future, so calls update it in place.</para>
/// <para>Every way an operation ends spends one unit of the task's cooperative budget, failures included (as
/// tokio's coop does): a loop that catches an error and retries at once (an accept loop at EMFILE) would otherwise
/// spin inside one poll forever, starving the very tasks whose completion would end the error.</para>
/// </remarks>
internal struct IoOperation(EventedSocket socket, string name, Direction direction, string method)
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Accept = "accept";
    public const string Connect = "connect";
    public const string ReceiveFrom = "recvfrom";
    public const string SendTo = "sendto";

    public static IoOperation Reading(EventedSocket socket, string name, string method) => new(socket, name, Direction.Read, method);

    public static IoOperation Writing(EventedSocket socket, string name, string method) => new(socket, name, Direction.Write, method);

    private IoRegistration? _io;
    private int _polls;
    private int _waiterId; // 0 until the operation first waits; then its claim on the direction's waker slot

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

    /// <summary>
    /// True when the socket may be ready in the operation's direction; otherwise the waker is stored and the
    /// operation must return Pending.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another operation of the same direction is already waiting.</exception>
    public bool PollReady(IoRegistration io, in Waker waker, out ReadyEvent seen) =>
        io.PollReady(direction, waker, ref _waiterId, method, out seen);

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
        Finish();
        Ready(name, socket.Fd, _polls, result);
        return Poll<T>.Ready(value);
    }

    /// <summary>Marks the operation finished by an exception (which spends budget like a completion).</summary>
    public void Fail() => Finish();

    /// <summary>A failed attempt that does not finish the operation (it will retry later): spends budget only.</summary>
    public static void FailedAttempt() => CoopBudget.Spend();

    /// <summary>Disposes the operation: a pending one forgets its waker, so a later event wakes nobody.</summary>
    public void Cancel()
    {
        if (Done) return;
        Done = true;
        ReleaseWaiter();
    }

    private void Finish()
    {
        Done = true;
        CoopBudget.Spend();
        ReleaseWaiter();
    }

    private void ReleaseWaiter()
    {
        // Only an operation that waited holds the direction; most complete on their first try and skip the lock.
        if (_waiterId == 0) return;
        _io?.ReleaseWaiter(direction, _waiterId);
        _waiterId = 0;
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
