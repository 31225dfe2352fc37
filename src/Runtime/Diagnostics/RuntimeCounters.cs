using System.Runtime.CompilerServices;

namespace AsyncGen.Diagnostics;

/// <summary>
/// One block of <see cref="RuntimeCounter"/> values, written by a single thread with plain increments: each
/// executor thread owns one; threads outside the executor write the executor's shared block with interlocked adds.
/// </summary>
/// <remarks>
/// Plain increments on thread-owned memory are what makes counting free enough to stay on when nobody listens;
/// observers on other threads read the 64-bit values without tearing and may see them a moment late. Each block is
/// padded by a cache line on both sides so that two workers' blocks never share one (false sharing would turn every
/// poll's increment into a cache miss).
/// </remarks>
internal sealed class RuntimeCounters
{
    // 8 longs = 64 bytes, one cache line on x86-64 and most arm64 cores.
    private const int Padding = 8;
    private static readonly int s_count = Enum.GetValues<RuntimeCounter>().Length;

    [ThreadStatic] private static RuntimeCounters? t_current;

    private readonly long[] _values = new long[Padding + s_count + Padding];

    public RuntimeCounters(ExecutorMetrics owner) => Owner = owner;

    /// <summary>The executor whose totals include this block.</summary>
    public ExecutorMetrics Owner { get; }

    /// <summary>The block of the executor thread running on this thread, or null on other threads.</summary>
    public static RuntimeCounters? Current => t_current;

    /// <summary>Counts on the current executor thread's block; not counted on other threads (futures polled by hand).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CountOnCurrent(RuntimeCounter counter, long amount = 1)
    {
        if (t_current is { } block) block._values[Padding + (int)counter] += amount;
    }

    /// <summary>Makes this the current thread's block until the returned scope is disposed (executor loops).</summary>
    public Scope Enter()
    {
        var previous = t_current;
        t_current = this;
        return new Scope(previous);
    }

    /// <summary>Counts on this block: the caller is the thread that owns it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Count(RuntimeCounter counter, long amount = 1) => _values[Padding + (int)counter] += amount;

    /// <summary>Counts on this block from any thread (the shared block).</summary>
    public void CountAtomically(RuntimeCounter counter, long amount = 1) =>
        Interlocked.Add(ref _values[Padding + (int)counter], amount);

    /// <summary>The value, read from any thread.</summary>
    public long Read(RuntimeCounter counter) => Volatile.Read(ref _values[Padding + (int)counter]);

    /// <summary>Restores the thread's previous block.</summary>
    public readonly struct Scope(RuntimeCounters? previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }
}
