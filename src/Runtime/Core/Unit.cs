namespace AsyncGen;

/// <summary>The result of a future that produces no value (Rust's <c>()</c>).</summary>
public readonly struct Unit : IEquatable<Unit>
{
    /// <summary>The only value.</summary>
    public static Unit Value => default;

    /// <inheritdoc/>
    public bool Equals(Unit other) => true;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Unit;

    /// <inheritdoc/>
    public override int GetHashCode() => 0;

    /// <inheritdoc/>
    public override string ToString() => "()";

    /// <summary>Always true.</summary>
    public static bool operator ==(Unit left, Unit right) => true;

    /// <summary>Always false.</summary>
    public static bool operator !=(Unit left, Unit right) => false;
}
