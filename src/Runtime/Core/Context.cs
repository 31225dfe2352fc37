using System.Runtime.CompilerServices;

namespace AsyncGen;

/// <summary>
/// What a future receives while it is polled: the <see cref="Waker"/> of the task being polled.
/// </summary>
/// <remarks>A <c>ref struct</c>, like Rust's <c>Context&lt;'_&gt;</c>: it lives only for one poll and cannot be
/// stored. Store <see cref="Waker"/> (a copyable struct) instead.</remarks>
public ref struct Context
{
    // Points at a flag of the task poll that made this context (null for contexts made by hand): a yield sets it
    // instead of waking, and the executor re-queues the task when the poll returns. Copies of the context share the
    // flag, so a yield through a copy is not lost.
    private readonly ref bool _yielded;

    /// <summary>Creates a context for polling with <paramref name="waker"/>.</summary>
    public Context(Waker waker) => Waker = waker;

    /// <summary>A task poll's context: a yield inside it sets <paramref name="yielded"/> instead of waking the task.</summary>
    internal Context(Waker waker, ref bool yielded)
    {
        Waker = waker;
        _yielded = ref yielded;
    }

    /// <summary>Wakes the task being polled; store a copy of it before returning <c>Pending</c>.</summary>
    public readonly Waker Waker { get; }

    /// <summary>
    /// Asks for the task to be polled again after the others that are ready (a yield): inside a task's poll, a flag
    /// the executor reads when the poll returns (tokio's <c>defer</c>, no wake at all); in a context made by hand, a
    /// wake of <see cref="Waker"/>.
    /// </summary>
    internal readonly void Yield()
    {
        if (Unsafe.IsNullRef(ref _yielded)) Waker.Wake();
        else _yielded = true;
    }
}
