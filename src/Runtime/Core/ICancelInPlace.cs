namespace AsyncGen;

/// <summary>
/// Marks a struct future whose <see cref="IFuture{T}.CancelInPlace"/> is its own (generated <c>[PollAsync]</c>
/// machines, <see cref="SelectFuture{T1, T2}"/>, <see cref="TimeoutFuture{T}"/>).
/// </summary>
/// <remarks>
/// Generic code holding a struct future by value (a <see cref="FutureBox{TFuture, T}"/>, a task) tests this at JIT
/// time: a struct that lacks its own <c>CancelInPlace</c> would run the interface's default on a boxed copy
/// (an allocation, and a dispose of the copy), so such code disposes it directly instead.
/// </remarks>
public interface ICancelInPlace;
