using System.Diagnostics;

namespace AsyncGen;

/// <summary>One of two values: what <see cref="Future.Select{T1, T2}"/> completes with, telling which side won.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct Either<T1, T2>
{
    private readonly T1 _first;
    private readonly T2 _second;

    private Either(bool isFirst, T1 first, T2 second)
    {
        IsFirst = isFirst;
        _first = first;
        _second = second;
    }

    /// <summary>The first future won with <paramref name="value"/>.</summary>
    public static Either<T1, T2> FromFirst(T1 value) => new(true, value, default!);

    /// <summary>The second future won with <paramref name="value"/>.</summary>
    public static Either<T1, T2> FromSecond(T2 value) => new(false, default!, value);

    /// <summary>True when the first future won.</summary>
    public bool IsFirst { get; }

    /// <summary>True when the second future won.</summary>
    public bool IsSecond => !IsFirst;

    /// <summary>The first future's result.</summary>
    /// <exception cref="InvalidOperationException">The second future won.</exception>
    public T1 First => IsFirst ? _first : throw new InvalidOperationException("The second future won; there is no first result.");

    /// <summary>The second future's result.</summary>
    /// <exception cref="InvalidOperationException">The first future won.</exception>
    public T2 Second => IsFirst ? throw new InvalidOperationException("The first future won; there is no second result.") : _second;

    /// <summary>Gets the first future's result if it won.</summary>
    public bool TryGetFirst(out T1 value)
    {
        value = _first;
        return IsFirst;
    }

    /// <summary>Gets the second future's result if it won.</summary>
    public bool TryGetSecond(out T2 value)
    {
        value = _second;
        return !IsFirst;
    }

    /// <inheritdoc/>
    public override string ToString() => IsFirst ? $"First({_first})" : $"Second({_second})";
}
