using System.Runtime.CompilerServices;

namespace AsyncGen.Fallback;

/// <summary>
/// Recognises an awaited future among the awaiters a fallback builder is handed, and reads the future out of it,
/// without boxing the awaiter: a fallback machine does it at every await. A <see cref="FutureAwaiter{T}"/> holds one
/// field, its future (an <see cref="IAwaitedChild"/>), so it is read as this struct, as the BCL's builders read a
/// <c>TaskAwaiter</c> out of their <c>TAwaiter</c>. An interface test (<c>awaiter is IFutureAwaiter</c>) would box the
/// awaiter in unoptimized (tier-0) code, which runs every method's first calls.
/// </summary>
internal readonly struct FutureAwaiterLayout
{
#pragma warning disable CS0649 // never assigned: only read, through a FutureAwaiter<T> reinterpreted as this struct
    private readonly IAwaitedChild _child;
#pragma warning restore CS0649

    /// <summary>The future <paramref name="awaiter"/> awaits; null when it is not a <see cref="FutureAwaiter{T}"/>.</summary>
    public static IAwaitedChild? ChildOf<TAwaiter>(ref TAwaiter awaiter) =>
        Is<TAwaiter>.FutureAwaiter ? Unsafe.As<TAwaiter, FutureAwaiterLayout>(ref awaiter)._child : null;

    /// <summary>Computed once per awaiter type.</summary>
    private static class Is<TAwaiter>
    {
        public static readonly bool FutureAwaiter =
            typeof(TAwaiter).IsGenericType && typeof(TAwaiter).GetGenericTypeDefinition() == typeof(FutureAwaiter<>)
            && Unsafe.SizeOf<TAwaiter>() == Unsafe.SizeOf<FutureAwaiterLayout>();
    }
}
