using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>
/// What a receive completes with: an item, or "closed" (the sender side is gone and nothing is left to receive).
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct ReceiveResult<T>
{
    private readonly T _value;

    private ReceiveResult(T value)
    {
        _value = value;
        HasValue = true;
    }

    /// <summary>An item was received.</summary>
    public static ReceiveResult<T> Received(T value) => new(value);

    /// <summary>Nothing will ever be received: the channel is closed and empty.</summary>
    public static ReceiveResult<T> Closed => default;

    /// <summary>True when an item was received.</summary>
    public bool HasValue { get; }

    /// <summary>True when the channel was closed with nothing left to receive.</summary>
    public bool IsClosed => !HasValue;

    /// <summary>The item.</summary>
    /// <exception cref="InvalidOperationException">The result is <see cref="Closed"/>.</exception>
    public T Value => HasValue ? _value : throw new InvalidOperationException("The channel is closed: nothing was received.");

    /// <summary>Gets the item when one was received.</summary>
    public bool TryGetValue(out T value)
    {
        value = _value;
        return HasValue;
    }

    /// <inheritdoc/>
    public override string ToString() => HasValue ? $"Received({_value})" : "Closed";
}
