namespace AsyncGen;

/// <summary>
/// Thrown at the suspended <c>await</c> of a fallback (compiler-built) <c>async Future</c> method when it is
/// disposed, so that its <c>finally</c> blocks run. Generated machines run their <c>finally</c> blocks directly.
/// </summary>
public sealed class FutureCanceledException() : OperationCanceledException("The future was disposed while suspended.");
