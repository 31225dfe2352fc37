using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>Permits acquired from a <see cref="AsyncSemaphore"/>; <see cref="Dispose"/> gives them back.</summary>
/// <remarks>A struct so that acquiring allocates nothing. Each permit carries the ticket of its acquisition (the
/// semaphore's inline ticket when no other permit holds it, else a slot of the semaphore's ledger; and a generation):
/// only the first disposal of it or of any copy of it gives the permits back, so <c>using var permit = await semaphore.Acquire();</c> followed by a <c>permit.Dispose()</c> by
/// hand, or disposing two copies, returns them once. Disposing <c>default</c> does nothing. What the tickets cost:
/// see <see cref="AsyncSemaphore"/>'s remarks.</remarks>
[DebuggerDisplay("{Count} permit(s){(IsHeld ? \"\" : \", returned\"),nq}")]
public readonly struct SemaphorePermit : IDisposable
{
    private readonly AsyncSemaphore? _semaphore;
    private readonly int _slot;
    private readonly int _generation;

    internal SemaphorePermit(AsyncSemaphore semaphore, int count, int slot, int generation)
    {
        _semaphore = semaphore;
        Count = count;
        _slot = slot;
        _generation = generation;
    }

    /// <summary>How many permits this holds (or held, once disposed).</summary>
    public int Count { get; }

    /// <summary>True until this permit, or a copy of it, is disposed; false for <c>default</c>.</summary>
    public bool IsHeld => _semaphore is not null && _semaphore.Holds(_slot, _generation);

    /// <summary>
    /// Returns the permits to the semaphore, waking the waiters they satisfy; a no-op if this permit or a copy of it
    /// was already disposed.
    /// </summary>
    public void Dispose() => _semaphore?.Return(_slot, _generation, Count);
}
