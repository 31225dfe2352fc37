using System.Runtime.CompilerServices;
using AsyncGen.Diagnostics;

namespace AsyncGen.Tasks;

/// <summary>
/// What a <see cref="FutureBox{TFuture, T}"/> and a <see cref="FutureBox{TFuture}"/> do with the machine they hold
/// inline and the <see cref="TaskCore{T}"/> beside it, written once for both: a plain future until it is spawned,
/// then the task's join handle.
/// </summary>
/// <remarks>
/// Two box classes exist only because an <c>async Future</c> method must return a <see cref="Future"/>, which derives
/// from <see cref="Future{T}"/> of <see cref="Unit"/>: C# cannot make one class derive from either. What stays in
/// each class is the interface map, one line per member forwarding to <see cref="TaskCore{T}"/> or here. Sharing that
/// map too through default interface methods would add an interface call on every poll and wake (measured ≈ 6 ns per
/// call on the 2-core VM, on top of ≈ 13 ns), so it stays written out; the behaviour is here.
/// </remarks>
internal static class BoxedMachine
{
    /// <summary>The box's poll: the machine's while the box is a plain future, the task's outcome once spawned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Poll<T> Poll<TFuture, T>(Future<T> box, ref TaskCore<T> task, ref TFuture future, ref Context cx)
        where TFuture : struct, IFuture<T>
    {
        if (!task.IsUnbound) return task.PollJoin(box, ref cx);
        if (task.IsComplete) throw new InvalidOperationException($"{typeof(TFuture).Name} was polled after it completed: a future runs once, so await it once and keep its result to use it again.");
        var poll = future.Poll(ref cx);
        if (poll.IsReady) task.MarkUnboundDone();
        return poll;
    }

    /// <summary>The box's dispose: cancels the plain future, or aborts the task once spawned.</summary>
    public static void Dispose<TBox, TFuture, T>(TBox box, ref TaskCore<T> task, ref TFuture future)
        where TBox : Future<T>, ITaskCell where TFuture : struct, IFuture<T>
    {
        if (!task.IsUnbound)
        {
            task.Abort(box, unjoined: true);
            return;
        }
        if (task.IsComplete) return;
        task.MarkUnboundDone();
        future.Dispose();
    }

    /// <summary>
    /// The box's in-place cancel: the plain future's (see <see cref="IFuture{T}.CancelInPlace"/>), which leaves the box
    /// pollable while its cleanup waits; once spawned, the join handle's (an abort that its next polls wait out).
    /// </summary>
    public static bool CancelInPlace<TBox, TFuture, T>(TBox box, ref TaskCore<T> task, ref TFuture future)
        where TBox : Future<T>, ITaskCell where TFuture : struct, IFuture<T>
    {
        if (!task.IsUnbound) return task.CancelJoinInPlace(box);
        if (task.IsComplete || !CancelsInPlace(ref future))
        {
            Dispose(box, ref task, ref future);
            return false;
        }
        if (future.CancelInPlace()) return true; // polled on until Ready: Poll marks the box done then
        task.MarkUnboundDone();
        return false;
    }

    /// <summary>
    /// True when <paramref name="future"/>'s <see cref="IFuture{T}.CancelInPlace"/> is its own: a JIT-time constant for
    /// a struct, so the call above is a direct one (the interface's default would run on a boxed copy).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool CancelsInPlace<TFuture>(ref TFuture future) where TFuture : struct => future is ICancelInPlace;

    /// <summary>The name of what the user wrote: the machine's type, or the future a <see cref="FutureRef{T}"/> holds.</summary>
    public static string Name<TFuture>(in TFuture future) =>
        FutureNames.Describe(future is IFutureRef reference ? reference.FutureType : typeof(TFuture));

    /// <summary>
    /// The box's frames (a box is plumbing and adds none of its own); once spawned, as an awaited join handle: a frame
    /// naming the task, then the task's own frames.
    /// </summary>
    public static void CollectFrames<TFuture, T>(ITaskCell box, ref TaskCore<T> task, ref TFuture future, List<AsyncFrame> frames)
        where TFuture : struct, IFuture<T>
    {
        if (task.IsComplete) return;
        if (!task.IsUnbound) frames.Add(new AsyncFrame("JoinHandle", null, 0, $"task #{task.Id(box)} {Name(future)}") { Kind = AsyncFrameKind.Join });
        AsyncBacktrace.Collect(ref future, frames);
    }

    /// <summary>The task's own frames (those of its machine), none once complete.</summary>
    public static void CollectOwnFrames<TFuture, T>(ref TaskCore<T> task, ref TFuture future, List<AsyncFrame> frames)
        where TFuture : struct, IFuture<T>
    {
        if (!task.IsComplete) AsyncBacktrace.Collect(ref future, frames);
    }
}
