using System.Diagnostics;
using AsyncGen.Diagnostics;
using AsyncGen.Tasks;

namespace AsyncGen;

/// <summary>
/// The handle of a spawned task: a future of the task's result. Awaiting it yields the result or rethrows the
/// task's exception with its original stack trace. Disposing it aborts the task; a machine cancelled while it awaits
/// the handle aborts the task and waits for it to end (<see cref="CancelInPlace"/>).
/// </summary>
/// <remarks>
/// A struct around the task itself: the task cell is the box that holds the future inline, so a spawn of a
/// generated machine costs that box and nothing else. Copies of a handle refer to the same task, which has one
/// joiner (as tokio's): a pending handle may pass once from one task to another, but a second task awaiting it at the
/// same time, a second hand-over while the task runs (the handle cannot tell that from two tasks taking turns), or
/// awaiting it again after it gave its result, gets an <see cref="InvalidOperationException"/>. For a result
/// many tasks await, use a <c>Task</c> (<c>SpawnAsTask</c>) or pass the result on.
/// <para>A handle keeps its task's cell (the future and its result) reachable for as long as the handle is: let go of
/// it once it gave its result — <c>sum += await handles[i]; handles[i] = default;</c> — as a Rust <c>JoinHandle</c> is
/// dropped after its await. Joined tasks whose handles stay in a large array (more than 10,625 handles, 85,000 bytes:
/// a large object, which only a gen2 collection frees) are copied by every collection into gen1 and then gen2;
/// with the default concurrent GC that cost about 100 ns per task in benchmarks/Compare's <c>spawn_join</c> of 100k
/// tasks (see the "spawn_join and the GC" section of benchmarks/README.md).</para>
/// </remarks>
[DebuggerDisplay("JoinHandle {Name,nq}")]
public readonly struct JoinHandle<T> : IFuture<T>, ICancelInPlace, IAsyncFrameSource
{
    private readonly ITaskCell<T>? _task;

    internal JoinHandle(ITaskCell<T> task) => _task = task;

    internal ITaskCell<T> Task => _task ?? throw new InvalidOperationException(
        "This JoinHandle is the default value, not the handle of a task: use the handle that Spawn returned.");

    /// <summary>True once the task has finished: with a result, an exception, or aborted.</summary>
    public bool IsCompleted => Task.IsComplete;

    /// <summary>
    /// Requests cancellation: the task's executor disposes the task's future on its own thread (running its
    /// <c>finally</c> blocks) instead of polling it again; awaiting the handle then throws
    /// <see cref="OperationCanceledException"/>. No effect on a completed task.
    /// </summary>
    public void Abort() => Task.Abort();

    /// <summary>
    /// Aborts the task (see <see cref="Abort"/>) without waiting for it: the task finishes its cleanup on its own, and a
    /// cleanup that waits is counted in <see cref="CancelledCleanup.Detached"/> (event 112). To wait for it, await
    /// <see cref="CancelAsync"/>.
    /// </summary>
    public void Dispose() => Task.AbortUnjoined();

    /// <summary>
    /// Aborts the task for a joiner that waits for it to end (<see cref="IFuture{T}.CancelInPlace"/>): a machine
    /// cancelled while it awaits this handle, a join that ends early. True unless the task already completed; polling
    /// the handle then returns once the task completed, its <c>finally</c> blocks included, as an <c>async Task</c>
    /// awaiting a child cancelled through a shared token resumes after the child's cleanup. The join then ends with
    /// nothing; an exception the task's cleanup threw (or a failure it reached first) is thrown, as in C#.
    /// </summary>
    public bool CancelInPlace() => Task.CancelJoinInPlace();

    /// <summary>
    /// Aborts the task and completes once it ended, its <c>finally</c> blocks that await included (what
    /// <c>cts.Cancel(); await task;</c> does for a <c>Task</c>, without the <see cref="OperationCanceledException"/>):
    /// an exception its cleanup threw is what awaiting it throws. A task that had already completed is left as it is
    /// (its outcome stays in the handle). No allocation: the future polls the task's cell.
    /// </summary>
    public CancelFuture<T> CancelAsync() => new(Task.AsFuture());

    /// <inheritdoc/>
    public Poll<T> Poll(ref Context cx) => Task.PollJoin(ref cx);

    /// <summary>The task as a heap future (no allocation: it is the task cell); disposing it aborts the task.</summary>
    public Future<T> AsFuture() => Task.AsFuture();

    /// <summary>Lets an <c>async Future</c> method await the handle on the fallback path, without boxing.</summary>
    public FutureAwaiter<T> GetAwaiter() => Task.AsFuture().GetAwaiter();

    /// <summary>As an awaited join handle: a frame naming the task, then the task's own frames.</summary>
    public void CollectFrames(List<AsyncFrame> frames)
    {
        if (_task is null || _task.IsComplete) return;
        frames.Add(new AsyncFrame("JoinHandle", null, 0, $"task #{_task.Id} {_task.Name}") { Kind = AsyncFrameKind.Join });
        _task.CollectOwnFrames(frames);
    }

    private string Name => _task?.Name ?? "(none)";
}
