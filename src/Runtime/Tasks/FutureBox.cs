using System.Diagnostics;
using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// A struct future without a result, boxed once: what interceptors of <c>async Future</c> methods return. Like
/// <see cref="FutureBox{TFuture, T}"/>, spawning it makes this object the task and its join handle.
/// </summary>
[DebuggerDisplay("FutureBox {Name} ({_task.State})")]
public sealed class FutureBox<TFuture> : Future, ITaskCell<Unit>, IAsyncFrameSource where TFuture : struct, IFuture<Unit>
{
    // The machine first: the runtime lays the two structs out in this order, and a machine of 4-byte fields (most
    // small ones) then fills the gap that the 8-aligned TaskCore would leave after the base class's fields: the
    // trivial spawn_join cell is 72 bytes this way round, 80 the other (src/Runtime/Tasks/README.md).
    private TFuture _future;
    private TaskCore<Unit> _task = TaskCore<Unit>.Unbound;

    /// <summary>Boxes <paramref name="future"/>, which must not have been polled yet.</summary>
    public FutureBox(TFuture future) => _future = future;

    /// <inheritdoc/>
    public override Poll<Unit> Poll(ref Context cx) => BoxedMachine.Poll(this, ref _task, ref _future, ref cx);

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

    Future<Unit> ITaskCell<Unit>.AsFuture() => this;

    bool ITaskCell<Unit>.TryBind(bool scheduled) => _task.TryBind(scheduled);

    Poll<Unit> ITaskCell<Unit>.PollJoin(ref Context cx) => _task.PollJoin(this, ref cx);

    void ITaskCell.Abort() => _task.Abort(this);

    void ITaskCell<Unit>.AbortUnjoined() => _task.Abort(this, unjoined: true);

    bool ITaskCell<Unit>.CancelJoinInPlace() => _task.CancelJoinInPlace(this);

    bool ITaskCell<Unit>.WatchCompletion(in Waker waker) => _task.StoreJoinWaker(this, waker);
}
