using System.Diagnostics;
using System.Net.Sockets;

namespace AsyncGen.Drivers.Portable;

/// <summary>
/// One direction of a <see cref="PortableRegistration"/>: the <see cref="SocketAsyncEventArgs"/> its operations
/// reuse (one per direction per socket, so an operation allocates nothing of ours), the buffer the OS reads into or
/// writes from, the result of the last completion until an operation takes it, and the waker of the task waiting
/// for it. Every field is guarded by the registration's lock.
/// </summary>
[DebuggerDisplay("SocketOperation {Kind} (in flight: {InFlight}, completed: {HasResult})")]
internal sealed class SocketOperation(PortableRegistration owner) : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true)
{
    /// <summary>The registration its completions go to (a successor's after a move to another driver).</summary>
    public PortableRegistration Owner = owner;

    /// <summary>What was started last.</summary>
    public SocketOperationKind Kind;

    /// <summary>Started, its completion not yet arrived: the OS owns <see cref="Storage"/>.</summary>
    public bool InFlight;

    /// <summary>Completed; the result (<see cref="SocketAsyncEventArgs.SocketError"/>, <see cref="SocketAsyncEventArgs.BytesTransferred"/>…) waits for an operation.</summary>
    public bool HasResult;

    /// <summary>A send whose future was disposed while it was in flight: its result belongs to nobody.</summary>
    public bool Abandoned;

    /// <summary>Bytes of a completed stream receive already copied out.</summary>
    public int Consumed;

    /// <summary>The task waiting for the completion.</summary>
    public Waker Waiter;

    /// <summary>The buffer the OS fills or sends from; allocated on first use, never lent to the caller.</summary>
    public byte[]? Storage;

    /// <summary>The buffer, allocated (<paramref name="size"/> bytes) on first use.</summary>
    public byte[] StorageOf(int size) => Storage ??= new byte[size];

    /// <summary>Takes the waiting waker, leaving none.</summary>
    public Waker TakeWaiter()
    {
        var waker = Waiter;
        Waiter = default;
        return waker;
    }

    /// <summary>Stores the waker of the task to wake on completion (unless it is the same task's).</summary>
    public void Wait(in Waker waker)
    {
        if (!Waiter.WillWake(waker)) Waiter = waker;
    }

    /// <summary>A thread-pool thread (.NET's I/O completion): hands the result to the registration.</summary>
    protected override void OnCompleted(SocketAsyncEventArgs e) => Owner.Completed(this);
}
