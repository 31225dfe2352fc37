namespace AsyncGen;

/// <summary>
/// What a future receives while it is polled: the <see cref="Waker"/> of the task being polled.
/// </summary>
/// <remarks>A <c>ref struct</c>, like Rust's <c>Context&lt;'_&gt;</c>: it lives only for one poll and cannot be
/// stored. Store <see cref="Waker"/> (a copyable struct) instead.</remarks>
public ref struct Context
{
    /// <summary>Creates a context for polling with <paramref name="waker"/>.</summary>
    public Context(Waker waker) => Waker = waker;

    /// <summary>Wakes the task being polled; store a copy of it before returning <c>Pending</c>.</summary>
    public readonly Waker Waker { get; }
}
