namespace AsyncGen;

/// <summary>
/// Marks an <c>async Future</c> / <c>async Future&lt;T&gt;</c> method for the AsyncGen source generator, which rewrites
/// it into an explicit struct state machine. Awaited <c>[PollAsync]</c> calls are embedded by value, so a whole
/// call tree costs one allocation per spawned task. Without the generator the method still runs, through the
/// fallback builder.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class PollAsyncAttribute : Attribute;
