using System.Diagnostics;

namespace AsyncGen;

/// <summary>The outcome of one <see cref="IFuture{T}.Poll"/>: <see cref="Ready"/> with a value, or <see cref="Pending"/>.</summary>
/// <remarks>Written <c>Poll&lt;T&gt;.Ready(v)</c> / <c>Poll&lt;T&gt;.Pending</c> because inside a future the simple
/// name <c>Poll</c> means the method.</remarks>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct Poll<T>
{
    private readonly T _value;

    private Poll(T value)
    {
        _value = value;
        IsReady = true;
    }

    /// <summary>The future is not done; it has arranged for its waker to be woken.</summary>
    public static Poll<T> Pending => default;

    /// <summary>The future is done with <paramref name="value"/>.</summary>
    public static Poll<T> Ready(T value) => new(value);

    /// <summary>True when the future completed.</summary>
    public bool IsReady { get; }

    /// <summary>True when the future is not done yet.</summary>
    public bool IsPending => !IsReady;

    /// <summary>The result; throws when the poll is pending.</summary>
    public T Value => IsReady ? _value : throw new InvalidOperationException("A Pending poll has no value; check IsReady first.");

    /// <summary>Gets the result when ready.</summary>
    public bool TryGetValue(out T value)
    {
        value = _value;
        return IsReady;
    }

    /// <inheritdoc/>
    public override string ToString() => IsReady ? $"Ready({_value})" : "Pending";
}
