using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen.Fallback;

/// <summary>
/// Runs the C# compiler's async state machine lazily, through polling: the fallback used when the generator does
/// not rewrite an <c>async Future</c> method (generator disabled, method group, reflection).
/// </summary>
/// <remarks>
/// <para>Start only stores the machine. Each poll first polls the child the machine is suspended on and calls
/// <c>MoveNext</c> only when that child is ready, so no code runs ahead of a poll and a pending child has
/// registered the current waker. Callback awaiters (<c>Task</c>...) are bridged by an <see cref="AwaiterWakeRelay"/>.</para>
/// <para>Cancellation differs from generated machines in one way: the compiler's machine can only be unwound by an
/// exception, so <see cref="Dispose"/> resumes it with a <see cref="FutureCanceledException"/> thrown at the
/// suspended await; <c>finally</c> blocks run, and so do <c>catch</c> blocks that catch it. A machine suspended on a
/// callback awaiter cannot be resumed early and is abandoned instead, as is one that keeps awaiting after
/// <see cref="MaxCancelResumptions"/> cancellations. When the unwinding itself stops on a callback awaiter (an
/// <c>await using</c> whose DisposeAsync does not complete at once), the cleanup after it does not run, unlike a
/// generated machine's (<see cref="AsyncDisposal"/>): counted in <see cref="FallbackMachines.CleanupAbandoned"/>.
/// Cancelled in place instead (<see cref="CancelInPlace"/>: by a parent machine, <c>Select</c>, <c>Timeout</c>, a join,
/// a task abort, <c>CancelAsync</c>), the machine is resumed with that exception and then polled as usual, so its
/// <c>finally</c> blocks that await run to their end, as a generated machine's do. An await it jumps back to (a loop
/// around a <c>catch</c> that swallowed the cancellation: a retry loop, a <c>while (await ...)</c> loop, an
/// <c>await foreach</c>) is cancelled again, as an <c>async Task</c>'s
/// awaits that observe its cancelled token throw again, so whoever cancels does not wait for it (review F3): counted
/// in <see cref="FallbackMachines.CancelledAgain"/>, and abandoned past <see cref="MaxCancelResumptions"/> or on a
/// callback awaiter (<see cref="FallbackMachines.CleanupAbandoned"/>).</para>
/// </remarks>
internal struct FallbackMachine<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] TStateMachine, T> where TStateMachine : IAsyncStateMachine
{
    /// <summary>
    /// Resumptions a cancellation grants a machine that keeps awaiting after a catch swallowed it (a retry loop that
    /// catches every exception would otherwise never finish); past it the machine is abandoned. 64: arbitrary, far
    /// more than the nested catch blocks a cleanup passes through.
    /// </summary>
    private const int MaxCancelResumptions = 64;

    public TStateMachine StateMachine;

    private Waker _waker;
    private bool _started;
    private bool _finished;
    private IAwaitedChild? _child;
    private AwaiterWakeRelay? _relay;
    private bool _awaitingCallback;
    private bool _hasOutcome;
    private T? _result;
    private ExceptionDispatchInfo? _error;
    private bool _cancellingInPlace; // its caller waits for the cleanup: polled on to its end, the cancellation ends it with nothing
    private bool _childCleaning;     // cancelled in place while its child's cleanup waits: polls that cleanup, then resumes
    private int _cancelledAgain;     // awaits cancelled again after a catch swallowed the cancellation in place
    private int? _cancelledAt;       // the number of the await the cancellation was last thrown at (AwaitState)
    private ulong _suspendedBefore;  // bit n: the machine suspended on await n (0-63) before it was cancelled in place
    private ulong[]? _suspendedBeyond; // the same for awaits 64 and up (a method with that many awaits: grown once)
    private UnwoundFinally<TStateMachine>? _unwound; // watches the finally blocks a cancellation unwinds through
    private int _keptInFinally;      // awaits run because they are inside such a finally block (bounded: never a hang)

    public Poll<T> Poll(ref Context cx)
    {
        if (_finished) throw new InvalidOperationException("The future was polled after it completed: a future runs once, so await it once and keep its result to use it again.");
        _waker = cx.Waker;
        while (true)
        {
            if (!_started)
            {
                _started = true;
            }
            else if (_child is { } child)
            {
                if (!(_childCleaning ? child.TryFinishCancel(ref cx) : child.TryComplete(ref cx))) return Poll<T>.Pending;
                _child = null;
                _childCleaning = false;
            }
            else if (_awaitingCallback)
            {
                _relay!.Update(cx.Waker);
                if (!_relay.HasFired) return Poll<T>.Pending;
                _awaitingCallback = false;
            }

            StateMachine.MoveNext();
            if (_cancellingInPlace ? !CancelAwaitsPastSwallowedCancellation() : _hasOutcome) return Finish();
            if (!_cancellingInPlace) RememberSuspension();
        }
    }

    /// <summary>
    /// Remembers the await the machine suspended on (not cancelled yet), so that reaching it again after a swallowed
    /// cancellation is known as a jump back even when it is numbered after the cancelled await (a loop condition:
    /// <see cref="AwaitState{TStateMachine}"/>).
    /// </summary>
    private void RememberSuspension()
    {
        if (AwaitState<TStateMachine>.Of(ref StateMachine) is not int state || state < 0) return;
        if (state < 64)
        {
            _suspendedBefore |= 1UL << state;
            return;
        }
        int word = (state >> 6) - 1;
        if (_suspendedBeyond is null || _suspendedBeyond.Length <= word) Array.Resize(ref _suspendedBeyond, word + 1);
        _suspendedBeyond[word] |= 1UL << state;
    }

    private readonly bool SuspendedBefore(int state) => state < 64
        ? (_suspendedBefore & (1UL << state)) != 0
        : _suspendedBeyond is { } beyond && (state >> 6) - 1 < beyond.Length && (beyond[(state >> 6) - 1] & (1UL << state)) != 0;

    /// <summary>
    /// Looks at the compiler's pending-exception fields just before a cancellation is thrown into the machine, so that
    /// a <c>finally</c> block it then enters is seen (<see cref="UnwoundFinally{TStateMachine}"/>).
    /// </summary>
    private void WatchUnwinding()
    {
        if (UnwoundFinally<TStateMachine>.HasNothingToWatch) return;
        _unwound ??= new UnwoundFinally<TStateMachine>();
        _unwound.InsideEnteredFinally(ref StateMachine);
    }

    /// <summary>
    /// Whether the await the machine is suspended on, after its cancellation in place was swallowed, is one it jumps
    /// back to: numbered as low as the await the cancellation was thrown at or lower; or one it suspended on before
    /// the cancellation (a loop condition), unless it is inside a <c>finally</c> block the cancellation's unwinding
    /// entered (a loop body's <c>finally</c> reached on an earlier lap runs again). Any other await (a <c>catch</c>
    /// block's, or one it cannot place) is run to its end, counted in <see cref="FallbackMachines.AwaitsRunPastCatch"/>
    /// when it is not known to be in such a <c>finally</c>.
    /// </summary>
    private bool JumpedBack()
    {
        if (AwaitState<TStateMachine>.Of(ref StateMachine) is not int state) return false;
        bool inFinally = _unwound is { } unwound && unwound.InsideEnteredFinally(ref StateMachine); // looked at every suspension
        if (state <= _cancelledAt) return true;
        bool before = SuspendedBefore(state);
        // Kept in a finally block though it was awaited before: at most MaxCancelResumptions times, so a machine that
        // is wrongly taken to be in one (a finally block threw, and its exception was swallowed) still ends.
        if (inFinally && (!before || ++_keptInFinally <= MaxCancelResumptions)) return false;
        if (before) return true;
        FallbackMachines.OnAwaitRunPastCatch();
        return false;
    }

    /// <summary>
    /// Cancelled in place, the machine suspended again. At an await it jumps back to past a <c>catch</c> that swallowed
    /// the cancellation (<see cref="JumpedBack"/>: a retry loop, a loop whose condition awaits) the await is cancelled
    /// again, as an <c>async Task</c>'s await that observes its cancelled token throws again, so the loop cannot hold up
    /// whoever cancels it (a <c>Timeout</c>, a <c>Select</c>) forever. At any other await (numbered after the cancelled
    /// one and first reached after the cancellation, or inside a <c>finally</c> block the cancellation's unwinding
    /// entered, even one reached on an earlier lap) it is polled on: its cleanup runs to its end. A callback awaiter cannot be cancelled, and a
    /// loop that swallows every cancellation would never end: past <see cref="MaxCancelResumptions"/> or on a callback
    /// awaiter the machine is abandoned, as a disposed one is.
    /// </summary>
    /// <returns>True when the machine is to be polled on; false when it ended (<see cref="Finish"/> reports how).</returns>
    private bool CancelAwaitsPastSwallowedCancellation()
    {
        while (!_hasOutcome && !_childCleaning && JumpedBack())
        {
            if (_child is not { } child || ++_cancelledAgain > MaxCancelResumptions)
            {
                _finished = true; // abandoned: its callback (if any) finds a finished machine and resumes nothing
                FallbackMachines.OnCleanupAbandoned<TStateMachine>();
                return false;
            }
            FallbackMachines.OnCancelledAgain();
            if (child.CancelInPlace())
            {
                _childCleaning = true; // the child's cleanup waits: polled to its end, then the machine resumes
                return true;
            }
            _child = null;
            _cancelledAt = AwaitState<TStateMachine>.Of(ref StateMachine);
            WatchUnwinding();
            StateMachine.MoveNext(); // throws the cancellation (or the child's cleanup's exception) at that await
        }
        return !_hasOutcome;
    }

    /// <summary>
    /// Cancels in place (see <see cref="IFuture{T}.CancelInPlace"/>): resumes the machine with a
    /// <see cref="FutureCanceledException"/> at the await it is suspended on, after the awaited child's own cleanup
    /// (cancelled in place too); true when the unwinding then waits (a <c>finally</c> block that awaits), and the
    /// caller's polls run it to its end like any await, as a generated machine's cleanup. A machine suspended on a
    /// callback awaiter cannot be resumed early and is disposed (abandoned) as by <see cref="Dispose"/>.
    /// </summary>
    public bool CancelInPlace()
    {
        if (_finished) return false;
        if (!_started || _awaitingCallback || _child is null)
        {
            Dispose();
            return false;
        }
        _cancellingInPlace = true;
        _cancelledAt = AwaitState<TStateMachine>.Of(ref StateMachine);
        WatchUnwinding();
        if (_child.CancelInPlace())
        {
            _childCleaning = true;
            return true;
        }
        _child = null;
        StateMachine.MoveNext(); // throws the cancellation (or the child's cleanup's exception) at the await
        if (CancelAwaitsPastSwallowedCancellation()) return true;
        Finish();
        return false;
    }

    /// <summary>
    /// The machine has its outcome: the result, or its exception thrown; cancelled in place, its cancellation ends it
    /// with nothing, and so does its abandonment (no outcome).
    /// </summary>
    private Poll<T> Finish()
    {
        _finished = true;
        if (_cancellingInPlace && (!_hasOutcome || _error?.SourceException is FutureCanceledException)) return Poll<T>.Ready(default!);
        _error?.Throw();
        return Poll<T>.Ready(_result!);
    }

    public void Dispose()
    {
        if (_finished) return;
        if (!_started || _awaitingCallback)
        {
            _finished = true;
            return;
        }

        // Resume the machine with cancellation at each await it reaches until it completes.
        for (int resumptions = 0; resumptions < MaxCancelResumptions && !_hasOutcome && _child is { } child; resumptions++)
        {
            _child = null;
            child.Cancel();
            StateMachine.MoveNext();
        }
        // Stopped on a callback awaiter (an await using whose DisposeAsync did not complete at once, an awaiting
        // finally) or out of resumptions: what follows that await in the cleanup does not run.
        if (!_hasOutcome) FallbackMachines.OnCleanupAbandoned<TStateMachine>();
        _finished = true;
        if (_error?.SourceException is not FutureCanceledException) _error?.Throw();
    }

    /// <summary>
    /// The method's frame, without a line (the compiler's state numbers do not map to source lines), then the
    /// awaited child's frames.
    /// </summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_started || _finished) return;
        var child = _child;
        // A child that describes itself adds its own frames below; others are named by type.
        string? awaited = child is IAsyncFrameSource ? null
            : child is not null ? FutureNames.Describe(child.GetType())
            : _awaitingCallback ? "a callback awaiter (Task, ValueTask...)"
            : null;
        frames.Add(new AsyncFrame(FutureNames.Method(typeof(TStateMachine)), null, 0, awaited));
        if (child is IAsyncFrameSource source) source.CollectFrames(frames);
    }

    public void SetResult(T result)
    {
        _result = result;
        _hasOutcome = true;
    }

    public void SetException(Exception error)
    {
        _error = ExceptionDispatchInfo.Capture(error);
        _hasOutcome = true;
    }

    public void AwaitOnCompleted<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : INotifyCompletion
    {
        if (FutureAwaiterLayout.ChildOf(ref awaiter) is { } child)
        {
            _child = child;
            return;
        }
        _relay ??= new AwaiterWakeRelay();
        _awaitingCallback = true;
        _relay.Register(ref awaiter, _waker);
    }
}
