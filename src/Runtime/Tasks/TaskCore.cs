using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>
/// Everything a spawned task needs besides its future: the atomic <see cref="TaskState"/> word, its waker, its id
/// and the waker of whoever awaits the join handle (tokio's task <c>Header</c> and <c>Trailer</c>). The outcome is
/// kept in the owning <see cref="Future{T}"/>'s own outcome fields.
/// </summary>
/// <remarks>
/// <para>A struct embedded in the object that also holds the future inline (<see cref="FutureBox{TFuture, T}"/>,
/// tokio's <c>Cell&lt;T, S&gt;</c>), so a spawn costs that one object: the box the generator's interceptor already
/// allocated becomes the task cell and the join handle. The owner passes the future by <c>ref</c> to
/// <see cref="Run"/> and <see cref="Cancel"/>; it is polled in place and never copied.</para>
/// <para>32 bytes, no padding (layout in src/Runtime/Tasks/README.md): two references and four 32-bit words. The
/// executor is not stored: the waker's target is the executor's <see cref="WakerTable"/>, which knows its scheduler.
/// The poll count shares the state word (bits 12 and up, bumped by the CAS that starts each poll), and the task's id
/// (its wakers' generation) and the "last poll / last wake" stamps of dumps live in the task's table slot: every
/// byte here is copied by each GC that finds the task alive, and a trivial task's cell is 72 bytes.</para>
/// </remarks>
internal struct TaskCore<T>
{
    private WakerTable? _table;          // with _slot: this task's waker, id and stamps (see WakerTable)
    private int _slot;
    private Waker _joinWaker;            // owned by the joiner while JoinWaker is clear, by the completer once it is set
    private int _state;                  // TaskState bits 0..8, poll count above (PollCountShift)

    /// <summary>The poll count lives above the twelve state bits.</summary>
    private const int PollCountShift = 12;
    private const int StateMask = (1 << PollCountShift) - 1;

    /// <summary>A core of a future that is not spawned yet.</summary>
    public static TaskCore<T> Unbound => new() { _state = (int)TaskState.Unbound };

    /// <summary>
    /// The task's waker (<paramref name="self"/>: the cell holding this core); a no-op waker before the spawn and
    /// once the task completed and its slot was freed, whose generation then belongs to another task (review
    /// finding 8: dumps and stall reports read it from other threads).
    /// </summary>
    public readonly Waker Waker(ITaskCell self) =>
        _table is not null && _table.GenerationOf(_slot, self) is int generation ? new Waker(_table, _slot, generation) : default;

    /// <summary>Polls so far (wraps at 2^20: a diagnostic count).</summary>
    public int PollCount => (int)((uint)Volatile.Read(ref _state) >> PollCountShift);

    /// <summary>The task's id, kept by its waker-table slot: 0 before the spawn and once the task completed.</summary>
    public readonly long Id(ITaskCell self) => _table is null ? 0 : _table.IdOf(_slot, self);

    /// <summary>Kept by the waker table (see <see cref="WakerTable"/>): valid while the task is alive.</summary>
    public readonly long LastPollMs => _table is null ? 0 : _table.LastPollMs(_slot);

    public readonly long LastWakeMs => _table is null ? 0 : _table.LastWakeMs(_slot);

    public TaskState State => (TaskState)(Volatile.Read(ref _state) & StateMask);

    /// <summary>True while the future has not been spawned: the owner polls it as a plain future.</summary>
    public bool IsUnbound => (State & TaskState.Unbound) != 0;

    public bool IsComplete => (State & TaskState.Complete) != 0;

    /// <summary>
    /// Claims an unbound future for an executor; false if it was spawned before. <paramref name="scheduled"/>: the
    /// task starts Scheduled, and the caller queues it itself (no wake per spawn).
    /// </summary>
    /// <remarks>
    /// Plain reads and writes, no atomic step: until it is spawned a box belongs to whoever holds it, who polls it as
    /// a plain future with plain writes too (<see cref="MarkUnboundDone"/>); handing it to an executor is that
    /// owner's act. A second spawn of the same box is caught; two threads spawning one box at the same moment would
    /// already be racing on an object neither owns alone, like two threads polling it.
    /// </remarks>
    public bool TryBind(bool scheduled)
    {
        int state = _state;
        if ((state & (int)TaskState.Unbound) == 0) return false;
        _state = (state & ~(int)TaskState.Unbound) | (scheduled ? (int)TaskState.Scheduled : 0);
        return true;
    }

    /// <summary>Receives the task's waker from its <see cref="WakerTable"/>, before any other thread sees it.</summary>
    public void Bind(Waker waker)
    {
        _table = (WakerTable)waker.Target!; // typed once here: every schedule reads its scheduler without a cast
        _slot = waker.Slot;
    }

    /// <summary>Plain-future mode: the future returned Ready or was disposed. Owner's thread only.</summary>
    public void MarkUnboundDone() => _state |= (int)TaskState.Complete;

    public void Wake<TCell>(TCell self) where TCell : Future<T>, ITaskCell
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            TaskState current = (TaskState)state, next;
            if ((current & (TaskState.Complete | TaskState.Scheduled | TaskState.Notified)) != 0) return;
            Debug.Assert((current & TaskState.Unbound) == 0, "Wake of a task that was never spawned");
            // A wake during a poll only marks the task; Run re-queues it after the poll (no double poll).
            next = (current & TaskState.Running) != 0 ? current | TaskState.Notified : current | TaskState.Scheduled;
            int seen = Interlocked.CompareExchange(ref _state, (int)next, state);
            if (seen == state)
            {
                if ((next & TaskState.Scheduled) == 0) return; // AfterPending re-queues it and stamps the wake then
                _table!.StampWake(_slot); // before queueing: the task cannot have completed and freed its slot yet
                Scheduler.Schedule(self);
                return;
            }
            state = seen;
        }
    }

    /// <summary>Requests the abort (any thread). <paramref name="unjoined"/>: its handle or set is let go of, so no one waits for it.</summary>
    public void Abort<TCell>(TCell self, bool unjoined = false) where TCell : Future<T>, ITaskCell
    {
        if (IsComplete) return;
        Interlocked.Or(ref _state, (int)(unjoined ? TaskState.Cancelled | TaskState.Unjoined : TaskState.Cancelled));
        Wake(self);
    }

    /// <summary>
    /// The joiner aborts the task and waits for it to end (<see cref="JoinHandle{T}.CancelInPlace"/>): true unless it
    /// already completed. Its next polls of the handle return once the task completed, its cleanup included; the
    /// abort's <see cref="OperationCanceledException"/> then ends the join with nothing (<see cref="PollJoin"/>).
    /// </summary>
    public bool CancelJoinInPlace<TCell>(TCell self) where TCell : Future<T>, ITaskCell
    {
        if (IsComplete) return false;
        // One step for both bits: a completion racing with it either keeps JoinerCancelled (its CAS sees the bit) or
        // completed first, and the bit set afterwards on the complete word is read by the joiner's poll just the same.
        Interlocked.Or(ref _state, (int)(TaskState.Cancelled | TaskState.JoinerCancelled));
        Wake(self);
        return true;
    }

    /// <summary>Polls <paramref name="future"/> once (or disposes it, if aborted). Executor thread only.</summary>
    public void Run<TCell, TFuture>(TCell self, ref TFuture future) where TCell : Future<T>, ITaskCell where TFuture : IFuture<T>
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
            // The same step counts the poll (an abort's dispose counts as one too).
            var next = (current & ~TaskState.Scheduled) | TaskState.Running;
            int seen = Interlocked.CompareExchange(ref _state, (int)next + (1 << PollCountShift), state);
            if (seen == state) break;
            state = seen;
        }
        // Aborted: cancel in place when the future's cleanup waits (then poll that cleanup below, as the task's poll),
        // else dispose. Once cancelling in place, the task is polled like any other until its cleanup is Ready.
        bool cancelling = ((TaskState)state & TaskState.CancellingInPlace) != 0;
        if (!cancelling && ((TaskState)state & TaskState.Cancelled) != 0)
        {
            if (!StartCancelInPlace(self, ref future)) return;
            cancelling = true;
        }

        Poll<T> poll;
        bool yielded = false; // set by a yield inside the poll (Context.Yield): re-queued below, no wake needed
        // One slot lookup and one clock read per poll: the slot gives the waker's generation, and a re-queue after it
        // stamps its wake with the same time (the coarse clock only moves between batches).
        var table = _table!;
        ref var slot = ref table.SlotOf(_slot);
        ref var stamps = ref slot.Stamps;
        int now = TaskClock.Now();
        stamps.LastPollMs = now;
        var budget = CoopBudget.Enter(slot.Id);
        try
        {
            var cx = new Context(new Waker(table, _slot, slot.Generation), ref yielded);
            poll = future.Poll(ref cx);
        }
        catch (Exception error)
        {
            Release(ref future);
            // Cancelling, an exception of the cleanup replaced the cancellation (as in C#): the joiner sees it.
            Complete(self, default, ExceptionDispatchInfo.Capture(error), cancelled: cancelling);
            return;
        }
        finally
        {
            CoopBudget.Exit(budget);
        }
        if (poll.IsReady)
        {
            Release(ref future);
            if (cancelling) Complete(self, default, Aborted(self), cancelled: true); // the cleanup ended: its value means nothing
            else Complete(self, poll.Value, null, cancelled: false);
            return;
        }
        AfterPending(self, yielded, ref stamps, now);
    }

    /// <summary>
    /// Starts an abort (executor thread, Running): a future with its own <see cref="IFuture{T}.CancelInPlace"/> (a
    /// generated machine) cancels in place, and if its cleanup waits the task stays alive (<see cref="TaskState.CancellingInPlace"/>,
    /// true: the caller polls it now); otherwise the future is disposed and the task completes (false).
    /// </summary>
    private bool StartCancelInPlace<TCell, TFuture>(TCell self, ref TFuture future) where TCell : Future<T>, ITaskCell where TFuture : IFuture<T>
    {
        // A JIT-time constant for struct futures: a struct without its own CancelInPlace would run the interface's
        // default on a boxed copy.
        if (future is not ICancelInPlace)
        {
            Cancel(self, ref future);
            return false;
        }
        bool waits;
        var scope = CoopBudget.Enter(Id(self)); // cleanup that outlives this step reports this task's id
        try
        {
            waits = future.CancelInPlace();
        }
        catch (Exception cleanupError)
        {
            Release(ref future);
            Complete(self, default, ExceptionDispatchInfo.Capture(cleanupError), cancelled: true);
            return false;
        }
        finally
        {
            CoopBudget.Exit(scope);
        }
        if (!waits)
        {
            Release(ref future);
            Complete(self, default, Aborted(self), cancelled: true);
            return false;
        }
        int state = Interlocked.Or(ref _state, (int)TaskState.CancellingInPlace); // wakers may set Notified concurrently
        CancelledCleanup.OnInPlaceStarted(); // a host waits for it before disposing the executor, which would cut it
        // Aborted by a disposal (a handle, a JoinSet): the cleanup goes on with no one waiting for it, as a disposed
        // machine's detached finally does.
        if ((state & (int)TaskState.Unjoined) != 0 && (state & (int)TaskState.JoinerCancelled) == 0) CancelledCleanup.OnUnjoinedAbortWaits(self.Name, Id(self));
        return true;
    }

    /// <summary>
    /// Disposes the future of a task that will never run again (executor shutdown, or an abort of a future without
    /// cleanup that waits). Executor thread only. A task cancelling in place is cut here: its cleanup stops at the
    /// await it waits on (a generated machine reports that as <c>CancelledFinallySkipped</c>).
    /// </summary>
    public void Cancel<TCell, TFuture>(TCell self, ref TFuture future) where TCell : Future<T>, ITaskCell where TFuture : IFuture<T>
    {
        if (IsComplete) return;
        ExceptionDispatchInfo? error = null;
        var scope = CoopBudget.Enter(Id(self)); // cleanup that outlives the dispose reports this task's id
        try
        {
            future.Dispose();
        }
        catch (Exception disposeError)
        {
            error = ExceptionDispatchInfo.Capture(disposeError);
        }
        finally
        {
            CoopBudget.Exit(scope);
        }
        Release(ref future);
        Complete(self, default, error ?? Aborted(self), cancelled: true);
    }

    private static ExceptionDispatchInfo Aborted<TCell>(TCell self) where TCell : Future<T>, ITaskCell =>
        ExceptionDispatchInfo.Capture(new OperationCanceledException($"The task {self.Name} was aborted."));

    /// <summary>The join handle's poll: the outcome once complete, else Pending with the joiner's waker stored.</summary>
    public Poll<T> PollJoin(Future<T> self, ref Context cx)
    {
        if ((State & TaskState.Joined) != 0)
        {
            throw new InvalidOperationException(
                $"The JoinHandle of task {NameOf(self)} was awaited again after it gave its result: a JoinHandle gives its " +
                "result once. Await it in one task and pass the result on (a Oneshot or AsyncChannel), or start the " +
                "future with SpawnAsTask/AsTask for a Task that many can await.");
        }
        if (!IsComplete && StoreJoinWaker(self, cx.Waker)) return Poll<T>.Pending;
        // A plain write: once Complete, only this joiner and Abort write the word, and an abort's Cancelled bit it
        // might overwrite means nothing on a completed task (wakes and runs stop at Complete without writing).
        int state = Volatile.Read(ref _state);
        Volatile.Write(ref _state, state | (int)TaskState.Joined);
        if (self._awaitedError is { } error)
        {
            UnobservedFailures.Observe(self);
            // Its joiner cancelled it in place: the abort (or a cancellation of its own) ends the join with nothing, as
            // an async Task's await of a child cancelled through a shared token ends in that token's cancellation. An
            // exception of its cleanup (or a failure it reached before the abort) still surfaces, as in C#.
            if ((state & (int)TaskState.JoinerCancelled) != 0 && error.SourceException is OperationCanceledException) return Poll<T>.Ready(default!);
            error.Throw();
        }
        return Poll<T>.Ready(self._awaitedValue!);
    }

    /// <summary>
    /// Stores the joiner's waker for <see cref="Complete"/> to wake (tokio's JOIN_WAKER protocol); false if the task
    /// completed first, and then the outcome is there to take. A <see cref="JoinSet{T}"/> calls it directly: it is
    /// the joiner of its tasks, woken by their completion, without taking the outcome it hands on.
    /// </summary>
    /// <remarks>
    /// While <see cref="TaskState.JoinWaker"/> is set only the completer touches <see cref="_joinWaker"/> (after it set
    /// Complete); the joiner writes it only while the bit is clear, and publishes it by setting the bit, which fails
    /// once Complete is set: the completer then saw no waker and the joiner takes the outcome itself. So completion
    /// costs one atomic step whether or not someone joins. A waker of another task replaces the stored one (the handle
    /// moved) and marks <see cref="TaskState.JoinContested"/>, waking the replaced joiner; if that one polls again it
    /// throws rather than wait for a wake that will never come.
    /// </remarks>
    public bool StoreJoinWaker(Future<T> self, in Waker waker)
    {
        Waker replaced = default;
        int state = Volatile.Read(ref _state);
        // Completing clears JoinWaker as it sets Complete, and may be reading the stored waker right now: leave it be.
        if ((state & (int)TaskState.Complete) != 0) return false;
        // A poll with no one to wake (a disposed machine's inline cleanup poll, CancelledCleanup.Run, before it moves
        // into a task of its own) is no joiner: storing it would count as the handle moving, and the move into the
        // cleanup's task as a second one (JoinContested), which throws.
        if (waker.IsNoop) return true;
        if ((state & (int)TaskState.JoinWaker) != 0)
        {
            // Polled again by the same joiner (the usual case): keep it. The re-read of the state after reading the
            // waker makes the comparison valid: without Complete, the completer has not begun to read it.
            if (_joinWaker.WillWake(waker) && (Volatile.Read(ref _state) & (int)TaskState.Complete) == 0) return true;
            // Another waker: the handle moved to another task, or a second task awaits it. Take the bit back before
            // replacing the waker, and wake the replaced joiner: if it still awaits, its next poll lands here too.
            while (true)
            {
                if ((state & (int)TaskState.Complete) != 0) return false; // the completer owns the old waker now
                if ((state & (int)TaskState.JoinContested) != 0) throw AwaitedByTwoTasks(NameOf(self));
                int seen = Interlocked.CompareExchange(
                    ref _state, (state & ~(int)TaskState.JoinWaker) | (int)TaskState.JoinContested, state);
                if (seen == state) break;
                state = seen;
            }
            replaced = _joinWaker;
        }
        _joinWaker = waker;
        state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & (int)TaskState.Complete) != 0)
            {
                _joinWaker = default; // the completer found no bit and never reads it
                replaced.Wake();
                return false;
            }
            int seen = Interlocked.CompareExchange(ref _state, state | (int)TaskState.JoinWaker, state);
            if (seen == state)
            {
                replaced.Wake(); // a spurious wake if the handle only moved
                return true;
            }
            state = seen;
        }
    }

    private static string NameOf(Future<T> self) => self is ITaskCell cell ? cell.Name : self.GetType().Name;

    private static InvalidOperationException AwaitedByTwoTasks(string task) => new(
        $"The JoinHandle of task {task} is awaited by two tasks at once: a JoinHandle is awaited by one task. Await it " +
        "in one task and pass the result on (a Oneshot or AsyncChannel), or start the future with SpawnAsTask/AsTask " +
        "for a Task that many can await.");

    /// <summary>Lets go of what a finished future holds (tokio drops the future), keeping a wrapped future's type.</summary>
    private static void Release<TFuture>(ref TFuture future)
    {
        // A JIT-time constant for struct futures: one branch survives per instantiation.
        if (typeof(TFuture) == typeof(FutureRef<T>)) Unsafe.As<TFuture, FutureRef<T>>(ref future).Release();
        else future = default!;
    }

    private readonly ITaskScheduler Scheduler => _table!.Scheduler;

    private void AfterPending<TCell>(TCell self, bool yielded, ref WakerTable.Stamps stamps, int now) where TCell : Future<T>, ITaskCell
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            var current = (TaskState)state;
            // Woken or yielded during the poll: back to the queue. Otherwise idle until the next wake.
            var next = yielded || (current & TaskState.Notified) != 0
                ? (current & ~(TaskState.Running | TaskState.Notified)) | TaskState.Scheduled
                : current & ~TaskState.Running;
            int seen = Interlocked.CompareExchange(ref _state, (int)next, state);
            if (seen == state)
            {
                if ((next & TaskState.Scheduled) == 0) return;
                stamps.LastWakeMs = now; // the wake during the poll (or the one a yield no longer makes) scheduled it
                // On the executor's own thread, right after the poll: the scheduler needs no thread check.
                Scheduler.ScheduleAfterPoll(self, yielded);
                return;
            }
            state = seen;
        }
    }

    private void Complete<TCell>(TCell self, T? result, ExceptionDispatchInfo? error, bool cancelled) where TCell : Future<T>, ITaskCell
    {
        self._awaitedValue = result;
        // Mostly null over null: skipping the store skips its GC write barrier.
        if (error is not null || self._awaitedError is not null) self._awaitedError = error;
        // A cancelled task's own OperationCanceledException is no failure; an exception its cleanup threw (a finally
        // block of an aborted task) is, and nobody may join to see it.
        if (error is not null && (!cancelled || error.SourceException is not OperationCanceledException))
            UnobservedFailures.Track(self, Id(self), self.Name, error.SourceException);
        var scheduler = Scheduler;
        // Read before the CAS below clears the state bits: a cancellation with Cancelled set was an abort request.
        bool aborted = cancelled && (State & TaskState.Cancelled) != 0;
        if (cancelled && (State & TaskState.CancellingInPlace) != 0) CancelledCleanup.OnCleanupEnded(); // finished, failed or cut
        TaskLifecycle.Finished(self, scheduler, error?.SourceException, cancelled, aborted);
        // Publishes the outcome in one step that also says whether a joiner stored its waker (JoinWaker): if so it
        // is ours to take, since the joiner no longer touches it once Complete is set; if not, the joiner finds
        // Complete when it tries to publish one (StoreJoinWaker).
        int state = Volatile.Read(ref _state);
        while (true)
        {
            int kept = (state & ~StateMask) | (state & (int)TaskState.JoinerCancelled); // the poll count, and what the joiner's poll reads
            int seen = Interlocked.CompareExchange(ref _state, kept | (int)TaskState.Complete, state);
            if (seen == state) break;
            state = seen;
        }
        scheduler.Release(self, _slot); // the slot from here: no call into the cell for its waker
        if ((state & (int)TaskState.JoinWaker) == 0) return;
        var joinWaker = _joinWaker;
        _joinWaker = default;
        joinWaker.Wake(); // it may schedule another task
    }
}
