using System.Diagnostics;
using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// A struct future boxed once on the heap, where it stays pinned; spawned, the same object is the task (tokio's
/// <c>Cell&lt;T, S&gt;</c>). Interceptors return a generated machine wrapped in this type, so a spawned call tree
/// costs exactly this one allocation.
/// </summary>
/// <remarks>
/// Until it is spawned the box is an ordinary future: polling it polls the machine. Spawning it hands it to the
/// executor, and from then on the object is the task's join handle: polling it waits for the task's result and
/// disposing it aborts the task.
/// </remarks>
[DebuggerDisplay("FutureBox {Name} ({_task.State})")]
public sealed class FutureBox<TFuture, T> : Future<T>, ITaskCell<T>, IAsyncFrameSource where TFuture : struct, IFuture<T>
{
    // The machine first: the runtime lays the two structs out in this order, and a machine of 4-byte fields (most
    // small ones) then fills the gap that the 8-aligned TaskCore would leave after the base class's fields: the
    // trivial spawn_join cell is 72 bytes this way round, 80 the other (src/Runtime/Tasks/README.md).
    private TFuture _future;
    private TaskCore<T> _task = TaskCore<T>.Unbound;

    /// <summary>Boxes <paramref name="future"/>, which must not have been polled yet.</summary>
    public FutureBox(TFuture future) => _future = future;

    /// <inheritdoc/>
    public override Poll<T> Poll(ref Context cx) => BoxedMachine.Poll(this, ref _task, ref _future, ref cx);

    /// <inheritdoc/>
    /// <remarks>Once spawned, disposing aborts the task (see <see cref="JoinHandle{T}.Abort"/>).</remarks>
    public override void Dispose() => BoxedMachine.Dispose(this, ref _task, ref _future);

    /// <inheritdoc/>
    /// <remarks>Not spawned yet, the machine cancels in place; once spawned, the task is aborted and its join waits for it to end (see <see cref="JoinHandle{T}.CancelInPlace"/>).</remarks>
    public override bool CancelInPlace() => BoxedMachine.CancelInPlace(this, ref _task, ref _future);

    private string Name => BoxedMachine.Name(_future);

    /// <summary>
    /// The boxed machine's frames (a box is plumbing and adds none of its own); once spawned, as an awaited join
    /// handle: a frame naming the task, then the task's own frames.
    /// </summary>
    public void CollectFrames(List<AsyncFrame> frames) => BoxedMachine.CollectFrames(this, ref _task, ref _future, frames);

    Waker ITaskCell.Waker => _task.Waker(this);

    long ITaskCell.Id => _task.Id(this);

    TaskState ITaskCell.State => _task.State;

    long ITaskCell.LastPollMs => _task.LastPollMs;

    long ITaskCell.LastWakeMs => _task.LastWakeMs;

    void ITaskCell.CollectOwnFrames(List<AsyncFrame> frames) => BoxedMachine.CollectOwnFrames(ref _task, ref _future, frames);

    bool ITaskCell.IsComplete => _task.IsComplete;

    string ITaskCell.Name => Name;

    int ITaskCell.PollCount => _task.PollCount;

    void ITaskCell.Bind(Waker waker) => _task.Bind(waker);

    void ITaskCell.Wake() => _task.Wake(this);

    void ITaskCell.Run() => _task.Run(this, ref _future);

    void ITaskCell.Cancel() => _task.Cancel(this, ref _future);

    Future<T> ITaskCell<T>.AsFuture() => this;

    bool ITaskCell<T>.TryBind(bool scheduled) => _task.TryBind(scheduled);

    Poll<T> ITaskCell<T>.PollJoin(ref Context cx) => _task.PollJoin(this, ref cx);

    void ITaskCell.Abort() => _task.Abort(this);

    void ITaskCell<T>.AbortUnjoined() => _task.Abort(this, unjoined: true);

    bool ITaskCell<T>.CancelJoinInPlace() => _task.CancelJoinInPlace(this);

    bool ITaskCell<T>.WatchCompletion(in Waker waker) => _task.StoreJoinWaker(this, waker);
}
