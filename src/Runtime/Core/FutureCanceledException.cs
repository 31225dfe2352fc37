namespace AsyncGen;

/// <summary>
/// Thrown at the suspended <c>await</c> of a fallback (compiler-built) <c>async Future</c> method when it is
/// disposed, so that its <c>finally</c> blocks run. Generated machines run their <c>finally</c> blocks directly.
/// </summary>
/// <remarks>
/// A <c>catch</c> that swallows it lets the method run on to its next <c>await</c>, which is cancelled the same way
/// (the fallback machine resumes it a bounded number of times): catch <see cref="OperationCanceledException"/> only to
/// rethrow it, or filter it out (<c>catch (Exception e) when (e is not OperationCanceledException)</c>).
/// </remarks>
public sealed class FutureCanceledException() : OperationCanceledException(
    "The future was disposed (cancelled: aborted, dropped by a Select or a Timeout, or disposed with its executor) while " +
    "suspended at this await. It is thrown here so that the method's finally blocks and using disposals run: let it " +
    "propagate. A catch that swallows it lets the method run on to its next await, which is cancelled the same way.");
