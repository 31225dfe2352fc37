using System.Diagnostics;

namespace AsyncGen;

/// <summary>
/// A handle that tells an executor a task can make progress (Rust's <c>Waker</c>).
/// </summary>
/// <remarks>
/// A small struct: copying it is cloning, and it allocates nothing. <see cref="Wake"/> is idempotent and
/// thread-safe; waking a task that has finished (a stale waker, detected by the generation number) does nothing.
/// </remarks>
[DebuggerDisplay("Waker(slot {_slot}, generation {_generation})")]
public readonly struct Waker : IEquatable<Waker>
{
    private readonly IWakeTarget? _target;
    private readonly int _slot;
    private readonly int _generation;

    /// <summary>Creates a waker that calls <paramref name="target"/> with <paramref name="slot"/> and <paramref name="generation"/>.</summary>
    public Waker(IWakeTarget target, int slot, int generation)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        _slot = slot;
        _generation = generation;
    }

    internal IWakeTarget? Target => _target;

    internal int Slot => _slot;

    internal int Generation => _generation;

    /// <summary>A waker that does nothing (the default value).</summary>
    public static Waker Noop => default;

    /// <summary>True for the no-op waker.</summary>
    public bool IsNoop => _target is null;

    /// <summary>Schedules the task. Safe from any thread, any number of times.</summary>
    /// <remarks>
    /// An executor's task table, the target of nearly every waker, is called directly: the interface call site here
    /// sees other targets too (relays, test doubles), so it was a polymorphic virtual-stub dispatch (a hash lookup,
    /// ~1 % of the one-thread echo server at 1,000 connections, where the reactor wakes a task per request).
    /// </remarks>
    public void Wake()
    {
        if (_target is Tasks.WakerTable table) table.Wake(_slot, _generation);
        else _target?.Wake(_slot, _generation);
    }

    /// <summary>Same as <see cref="Wake"/>: a struct waker is never consumed (Rust's <c>wake_by_ref</c>).</summary>
    public void WakeByRef() => Wake();

    /// <summary>True when both wakers wake the same task, so storing <paramref name="other"/> can be skipped.</summary>
    public bool WillWake(in Waker other) => Equals(other);

    /// <inheritdoc/>
    public bool Equals(Waker other) =>
        ReferenceEquals(_target, other._target) && _slot == other._slot && _generation == other._generation;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Waker other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_target, _slot, _generation);

    /// <summary>Same task.</summary>
    public static bool operator ==(Waker left, Waker right) => left.Equals(right);

    /// <summary>Different tasks.</summary>
    public static bool operator !=(Waker left, Waker right) => !left.Equals(right);
}
