using System.Net.Sockets;

namespace AsyncGen.Net;

/// <summary>
/// A listener's state across a burst of accepts that fail for lack of resources (EMFILE, ENFILE: no descriptor
/// left; ENOBUFS, ENOMEM: no kernel memory): the first failure of a burst surfaces as the accept's exception, the
/// following ones wait and retry with a growing delay, and the first accept that succeeds ends the burst.
/// </summary>
/// <remarks>
/// <para>Why not surface every failure: the connection stays in the kernel's queue and the listener stays readable,
/// so an accept loop that catches and retries would fail again at once, thousands of times per second, each
/// failure an exception, without ever letting the tasks whose completion frees descriptors run long enough.
/// Waiting instead lets them run; the connection is accepted as soon as a retry finds a descriptor.</para>
/// <para>Only the listener's one accepting operation (one accept may wait at a time) touches the state.</para>
/// </remarks>
internal sealed class AcceptBackoff
{
    /// <summary>5 ms, doubling up to <see cref="MaxDelayMs"/>: Go's net/http <c>Server.Serve</c> on temporary accept errors.</summary>
    private const int FirstDelayMs = 5;

    /// <summary>1 s: Go's cap, and hyper's fixed accept-error sleep.</summary>
    private const int MaxDelayMs = 1000;

    private int _delayMs; // 0: no burst in progress

    /// <summary>True for the errors a retry can outlive: a descriptor or kernel memory may be freed meanwhile.</summary>
    public static bool IsResourceExhaustion(SocketError error) =>
        error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;

    /// <summary>
    /// Records a resource-exhaustion failure: true when it starts a burst (the caller surfaces it); otherwise false
    /// with how long to wait before retrying.
    /// </summary>
    public bool Failed(out TimeSpan retryAfter)
    {
        int delay = Volatile.Read(ref _delayMs);
        if (delay == 0)
        {
            Volatile.Write(ref _delayMs, FirstDelayMs);
            retryAfter = default;
            return true;
        }
        retryAfter = TimeSpan.FromMilliseconds(delay);
        Volatile.Write(ref _delayMs, Math.Min(delay * 2, MaxDelayMs));
        return false;
    }

    /// <summary>An accept succeeded: the burst is over, the next failure surfaces again.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _delayMs) != 0) Volatile.Write(ref _delayMs, 0);
    }
}
