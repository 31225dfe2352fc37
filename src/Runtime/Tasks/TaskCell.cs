using System.Diagnostics;
using System.Runtime.ExceptionServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>
/// A spawned task: the future, its atomic <see cref="TaskState"/> word, its outcome and the waker of whoever
/// awaits the join handle. One object per spawn.
/// </summary>
[DebuggerDisplay("Task {Name} ({State})")]
internal sealed class TaskCell<T> : JoinHandle<T>, ITaskCell, IAsyncFrameSource
{
    private static long s_lastId;

    private readonly ITaskScheduler _scheduler;
    private readonly Type _futureType; // kept for Name: the future itself is released on completion
    private IFuture<T>? _future;
    private int _state = (int)TaskState.Idle;
    private T? _result;
    private ExceptionDispatchInfo? _error;
    private bool _joined;
    private UnobservedFailure? _unobserved; // set when the task faults; reports it if the handle is never awaited

    // The join waker is three words, so it is guarded by a spin lock (no allocation, tiny critical sections).
    private SpinLock _joinLock = new(enableThreadOwnerTracking: false);
    private Waker _joinWaker;

    public TaskCell(IFuture<T> future, ITaskScheduler scheduler)
    {
        _future = future;
        _scheduler = scheduler;
        _futureType = future.GetType();
        Id = Interlocked.Increment(ref s_lastId);
        LastWakeMs = LastPollMs = CoarseClock.NowMs;
    }

    public long Id { get; }

    public long LastPollMs { get; private set; }

    public long LastWakeMs { get; private set; }

    public Waker Waker { get; private set; }

    public string Name => FutureNames.Describe(_futureType);

    public int PollCount { get; private set; }

    public TaskState State => (TaskState)Volatile.Read(ref _state);

    public override bool IsCompleted => (State & TaskState.Complete) != 0;

    bool ITaskCell.IsComplete => IsCompleted;

    public void Bind(Waker waker) => Waker = waker;

    public void Wake()
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            TaskState current = (TaskState)state, next;
            if ((current & (TaskState.Complete | TaskState.Scheduled | TaskState.Notified)) != 0) return;
            // A wake during a poll only marks the task; Run re-queues it after the poll (no double poll).
            next = (current & TaskState.Running) != 0 ? current | TaskState.Notified : current | TaskState.Scheduled;
            int seen = Interlocked.CompareExchange(ref _state, (int)next, state);
            if (seen == state)
            {
                LastWakeMs = CoarseClock.NowMs;
                if ((next & TaskState.Scheduled) != 0) _scheduler.Schedule(this);
                return;
            }
            state = seen;
        }
    }

    public override void Abort()
    {
        if (IsCompleted) return;
        Interlocked.Or(ref _state, (int)TaskState.Cancelled);
        Wake();
    }

    public void Run()
    {
        // Scheduled → Running in one atomic step. Clearing Scheduled and setting Running separately would leave a
        // window in which the task looks Idle: a wake from another thread would queue it a second time and another
        // worker could poll (or dispose) it concurrently. Running stays set while an aborted task is disposed, so
        // a wake from its cleanup only marks Notified. Wakers may set Notified or Cancelled concurrently: CAS loop.
        int state = Volatile.Read(ref _state);
        while (true)
        {
            var current = (TaskState)state;
            if ((current & TaskState.Complete) != 0) return;
            Debug.Assert((current & TaskState.Scheduled) != 0, "Run of a task that was not scheduled");
            var next = (current & ~TaskState.Scheduled) | TaskState.Running;
            int seen = Interlocked.CompareExchange(ref _state, (int)next, state);
            if (seen == state) break;
            state = seen;
        }
        if (((TaskState)state & TaskState.Cancelled) != 0)
        {
            Cancel();
            return;
        }

        Poll<T> poll;
        var budget = CoopBudget.Enter();
        try
        {
            PollCount++;
            LastPollMs = CoarseClock.NowMs;
            var cx = new Context(Waker);
            poll = _future!.Poll(ref cx);
        }
        catch (Exception error)
        {
            Complete(default, ExceptionDispatchInfo.Capture(error), cancelled: false);
            return;
        }
        finally
        {
            CoopBudget.Exit(budget);
        }
        if (poll.IsReady)
        {
            Complete(poll.Value, null, cancelled: false);
            return;
        }
        AfterPending();
    }

    public void Cancel()
    {
        if (IsCompleted) return;
        ExceptionDispatchInfo? error = null;
        try
        {
            _future?.Dispose();
        }
        catch (Exception disposeError)
        {
            error = ExceptionDispatchInfo.Capture(disposeError);
        }
        error ??= ExceptionDispatchInfo.Capture(new OperationCanceledException($"The task {Name} was aborted."));
        Complete(default, error, cancelled: true);
    }

    public override Poll<T> Poll(ref Context cx)
    {
        if (_joined) throw new InvalidOperationException("The join handle was polled after it completed.");
        if (!IsCompleted)
        {
            bool taken = false;
            try
            {
                _joinLock.Enter(ref taken);
                _joinWaker = cx.Waker;
            }
            finally
            {
                if (taken) _joinLock.Exit(useMemoryBarrier: false);
            }
            // Re-check after registering: a completion between the first check and the store woke nobody.
            if (!IsCompleted) return Poll<T>.Pending;
        }
        _joined = true;
        _unobserved?.Observe();
        _error?.Throw();
        return Poll<T>.Ready(_result!);
    }

    public void CollectOwnFrames(List<AsyncFrame> frames)
    {
        var future = _future; // null once complete
        if (future is not null) AsyncBacktrace.Collect(ref future, frames);
    }

    /// <summary>As an awaited join handle: a frame naming the task, then the task's own frames.</summary>
    void IAsyncFrameSource.CollectFrames(List<AsyncFrame> frames)
    {
        if (IsCompleted) return;
        frames.Add(new AsyncFrame("JoinHandle", null, 0, $"task #{Id} {Name}") { Kind = AsyncFrameKind.Join });
        CollectOwnFrames(frames);
    }

    private void AfterPending()
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            var current = (TaskState)state;
            // Woken during the poll: back to the queue. Otherwise idle until the next wake.
            var next = (current & TaskState.Notified) != 0
                ? (current & ~(TaskState.Running | TaskState.Notified)) | TaskState.Scheduled
                : current & ~TaskState.Running;
            int seen = Interlocked.CompareExchange(ref _state, (int)next, state);
            if (seen == state)
            {
                if ((next & TaskState.Scheduled) != 0) _scheduler.Schedule(this);
                return;
            }
            state = seen;
        }
    }

    private void Complete(T? result, ExceptionDispatchInfo? error, bool cancelled)
    {
        _result = result;
        _error = error;
        if (error is not null && !cancelled) _unobserved = new UnobservedFailure(Id, Name, error.SourceException);
        TaskLifecycle.Finished(this, _scheduler.Metrics, error?.SourceException, cancelled);
        _future = null;
        Interlocked.Exchange(ref _state, (int)TaskState.Complete); // publishes the outcome
        _scheduler.Release(this);

        Waker joinWaker;
        bool taken = false;
        try
        {
            _joinLock.Enter(ref taken);
            joinWaker = _joinWaker;
            _joinWaker = default;
        }
        finally
        {
            if (taken) _joinLock.Exit(useMemoryBarrier: false);
        }
        joinWaker.Wake(); // outside the lock: it may schedule another task
    }
}
