using System.Diagnostics;
using System.Threading.Tasks.Sources;
using AsyncGen.Diagnostics;
using AsyncGen.Sync;

namespace AsyncGen.Net;

/// <summary>
/// One direction (reads or writes) of <see cref="AsyncTcpStreamAdapter"/>: a task on the connection's executor that
/// runs the operations Task code hands it from any thread, one at a time, and completes each one's ValueTask (this
/// object is its <see cref="IValueTaskSource{TResult}"/>, reused for every operation).
/// </summary>
/// <remarks>
/// <para><b>Why a task per direction</b> and not a task per operation: the only thing another thread may do to a
/// <see cref="LocalExecutor"/> is wake one of its tasks, so the lane is spawned once, on the executor's thread (or
/// before it runs), and every operation is a wake. The same code serves a <see cref="WorkStealingExecutor"/>, and an
/// operation costs no task, box or TaskCompletionSource. A read and a write run at once (two lanes), as full-duplex
/// callers (SslStream, Pipelines) need.</para>
/// <para><b>States</b> (<see cref="_state"/>; who moves it):</para>
/// <code>
///   Idle ──caller CAS──▶ Claimed ──caller: args stored──▶ Requested ──lane──▶ Running ──lane: done──▶ Completing
///   Completing ──caller: GetResult of the ValueTask──▶ Idle
///   Idle or Completing ──lane CAS (closing, or its future disposed)──▶ Closed (terminal: later requests throw ObjectDisposedException)
/// </code>
/// <para>The caller owns the argument fields from its CAS out of <c>Idle</c> until its release store of
/// <c>Requested</c>; the lane owns them from its acquire read of <c>Requested</c> until it stores <c>Completing</c>.
/// The operation stays in flight until its caller consumed the result (<c>GetResult</c>, which every await and
/// <c>AsTask</c> calls): the caller's next operation, which can only start after that, always finds <c>Idle</c>; a
/// second operation started before it (Stream callers must not overlap two reads or two writes) finds another state
/// and throws. Were the lane to store <c>Idle</c> itself, around its completion, an overlapping caller could claim
/// and reset the completion in that window, and the first caller would never see its result.</para>
/// <para><b>Waking the lane.</b> A request, a cancellation and a close each publish their flag, then wake the
/// lane's <see cref="AtomicWaker"/>; the lane registers its task's waker there, then re-reads the state and flags
/// before returning Pending (register, then re-check: see <see cref="AtomicWaker"/>), so none of them is lost.</para>
/// <para><b>Cancellation.</b> The token's callback sets <see cref="_cancelRequested"/> and wakes the lane, which
/// disposes the operation's future (a read loses nothing; a write may have sent part of its buffer, as with any
/// Stream) and completes with <see cref="OperationCanceledException"/>. The registration is disposed (waiting
/// for a running callback) before the flag is cleared, so a late callback never cancels the next operation.</para>
/// </remarks>
[DebuggerDisplay("{Direction,nq} lane of fd {Fd} (state {_state})")]
internal abstract class StreamLane : IFuture<Unit>, IValueTaskSource<int>, IValueTaskSource, IAsyncFrameSource
{
    private const int Idle = 0;
    private const int Claimed = 1;
    private const int Requested = 2;
    private const int Running = 3;
    private const int Closed = 4;
    private const int Completing = 5; // done; the ValueTask's result not yet consumed by its caller

    private readonly AsyncTcpStream _stream;
    private ManualResetValueTaskSourceCore<int> _completion;
    private AtomicWaker _lane;
    private CancellationToken _token;
    private CancellationTokenRegistration _registration;
    private int _state;
    private int _cancelRequested;
    private int _closing;

    protected StreamLane(AsyncTcpStream stream)
    {
        _stream = stream;
        // Continuations run on the thread pool, never inline on the executor thread that completes the operation:
        // code after `await stream.ReadAsync(...)` must not stall the executor.
        _completion.RunContinuationsAsynchronously = true;
    }

    /// <summary>"Read" or "Write", for messages and task dumps.</summary>
    protected abstract string Direction { get; }

    protected AsyncTcpStream Stream => _stream;

    private int Fd => _stream.Fd;

    /// <summary>Lane only, in <c>Running</c>: creates the operation's future from the arguments the caller stored.</summary>
    protected abstract void StartOperation();

    /// <summary>Lane only: polls the operation; its result is the ValueTask's (a write's is 0).</summary>
    protected abstract Poll<int> PollOperation(ref Context cx);

    /// <summary>Lane only: disposes the operation's future (if started) and drops the arguments (buffer references).</summary>
    protected abstract void EndOperation();

    /// <summary>
    /// Caller side, any thread: takes the lane for one operation; the caller then stores its arguments and calls
    /// <see cref="Submit"/>. False when the token is already cancelled (nothing taken).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The Stream was disposed, or the lane's task ended.</exception>
    /// <exception cref="InvalidOperationException">An operation of this direction is still in flight.</exception>
    protected void Claim()
    {
        int seen = Interlocked.CompareExchange(ref _state, Claimed, Idle);
        if (seen == Idle) return;
        if (seen == Closed)
            throw new ObjectDisposedException(nameof(Stream),
                $"This Stream over an AsyncTcpStream is closed: it was disposed, or its executor was disposed or stopped its {Direction.ToLowerInvariant()} task.");
        throw new InvalidOperationException(
            $"A {Direction}Async was called while the previous one is still in flight: a Stream allows one read and one write at a time. Await each operation before the next.");
    }

    /// <summary>Caller side: publishes the claimed operation to the lane and returns its ValueTask's token.</summary>
    protected short Submit(CancellationToken token)
    {
        _completion.Reset();
        _token = token;
        if (token.CanBeCanceled)
            _registration = token.UnsafeRegister(static lane => ((StreamLane)lane!).OnCancel(), this);
        short version = _completion.Version;
        Volatile.Write(ref _state, Requested); // releases the arguments and the registration to the lane
        _lane.Wake();
        return version;
    }

    private void OnCancel()
    {
        Volatile.Write(ref _cancelRequested, 1);
        _lane.Wake();
    }

    /// <summary>The Stream was disposed: the lane finishes the operation in flight (if any), then its task ends.</summary>
    public void Close()
    {
        Volatile.Write(ref _closing, 1);
        _lane.Wake();
    }

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Running:
                    if (Volatile.Read(ref _cancelRequested) != 0)
                    {
                        EndOperation();
                        Complete(0, new OperationCanceledException(_token));
                        continue;
                    }
                    Poll<int> poll;
                    try
                    {
                        poll = PollOperation(ref cx);
                    }
                    catch (Exception error)
                    {
                        EndOperation();
                        Complete(0, error);
                        continue;
                    }
                    if (poll.IsReady)
                    {
                        EndOperation();
                        Complete(poll.Value, null);
                        continue;
                    }
                    // The operation registered cx's waker with the driver; a cancellation wakes through the slot.
                    _lane.Register(cx.Waker);
                    if (Volatile.Read(ref _cancelRequested) != 0) continue;
                    return Poll<Unit>.Pending;

                case Requested:
                    if (Volatile.Read(ref _closing) != 0)
                    {
                        // A request that raced the Stream's dispose: refused as one made after it.
                        Volatile.Write(ref _state, Running);
                        EndOperation();
                        Complete(0, new ObjectDisposedException(nameof(Stream), "The Stream over an AsyncTcpStream was disposed."));
                        continue;
                    }
                    Volatile.Write(ref _state, Running);
                    StartOperation();
                    continue;

                case Idle:
                    if (Volatile.Read(ref _closing) != 0)
                    {
                        if (Interlocked.CompareExchange(ref _state, Closed, Idle) == Idle) return Poll<Unit>.Ready(default);
                        continue; // a request came in first: serve it (refused above) and look again
                    }
                    _lane.Register(cx.Waker);
                    // A request or close that landed after the read above woke an unarmed slot: look again.
                    if (Volatile.Read(ref _state) != Idle || Volatile.Read(ref _closing) != 0) continue;
                    return Poll<Unit>.Pending;

                case Claimed:
                    // A caller is between its claim and its Submit, whose wake this registration receives.
                    _lane.Register(cx.Waker);
                    if (Volatile.Read(ref _state) != Claimed) continue;
                    return Poll<Unit>.Pending;

                case Completing:
                    if (Volatile.Read(ref _closing) != 0)
                    {
                        // The result stays readable (the completion is not reset); the lane refuses the next request.
                        if (Interlocked.CompareExchange(ref _state, Closed, Completing) == Completing) return Poll<Unit>.Ready(default);
                        continue;
                    }
                    // Waits for the caller's GetResult (Idle), which wakes the lane only if the Stream is closing.
                    _lane.Register(cx.Waker);
                    if (Volatile.Read(ref _state) != Completing || Volatile.Read(ref _closing) != 0) continue;
                    return Poll<Unit>.Pending;

                default:
                    return Poll<Unit>.Ready(default);
            }
        }
    }

    /// <summary>
    /// The lane's task was cancelled (its executor was disposed, or the task aborted): the operation in flight, or one
    /// requested and not started, fails with <see cref="ObjectDisposedException"/>, and the lane refuses any other.
    /// </summary>
    public void Dispose()
    {
        var spin = new SpinWait();
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state == Closed) return;
            if (state is Idle or Completing)
            {
                if (Interlocked.CompareExchange(ref _state, Closed, state) == state) return;
                continue;
            }
            if (state == Claimed)
            {
                spin.SpinOnce(); // the caller stores its arguments and publishes Requested next: never blocks
                continue;
            }
            Volatile.Write(ref _state, Running);
            EndOperation();
            Complete(0, new ObjectDisposedException(nameof(Stream),
                $"The {Direction.ToLowerInvariant()} task of this Stream over an AsyncTcpStream was stopped: its executor was disposed or the task aborted."),
                next: Closed);
            return;
        }
    }

    // Lane only, in Running: frees the registration (waiting out a running callback, so its flag cannot leak into the
    // next operation), moves to Completing (the caller's GetResult hands the lane back) or Closed, then completes the
    // ValueTask, whose continuation may start the next operation.
    private void Complete(int result, Exception? error, int next = Completing)
    {
        _registration.Dispose();
        _registration = default;
        _token = default;
        Volatile.Write(ref _cancelRequested, 0);
        Volatile.Write(ref _state, next);
        if (error is null) _completion.SetResult(result);
        else _completion.SetException(error);
    }

    int IValueTaskSource<int>.GetResult(short token)
    {
        bool current = token == _completion.Version;
        try
        {
            return _completion.GetResult(token);
        }
        finally
        {
            if (current) Consumed();
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        bool current = token == _completion.Version;
        try
        {
            _completion.GetResult(token);
        }
        finally
        {
            if (current) Consumed();
        }
    }

    // Caller side: the result was consumed, so the operation is over and the lane takes the next one. A stale token
    // (an earlier operation's) changes nothing; a repeated GetResult finds another state. A close that came while the lane waited in
    // Completing left it registered: wake it to end its task (the CAS is a full fence, so the flag is seen).
    private void Consumed()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Completing) == Completing && Volatile.Read(ref _closing) != 0)
            _lane.Wake();
    }

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _completion.GetStatus(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);

    /// <summary>In task dumps: which Stream direction this task serves, and what it waits on.</summary>
    public void CollectFrames(List<AsyncFrame> frames) =>
        frames.Add(AsyncFrame.Resource($"AsyncTcpStream.AsStream {Direction.ToLowerInvariant()}s (fd {Fd})",
            Volatile.Read(ref _state) == Running ? $"the socket ({Direction.ToLowerInvariant()} in flight)" : $"a {Direction}Async from Task code"));
}
