using System.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>Permits acquired from a <see cref="AsyncSemaphore"/>; <see cref="Dispose"/> gives them back.</summary>
/// <remarks>A struct so that acquiring allocates nothing: dispose exactly one copy, exactly once (a
/// <c>using</c> statement does that). Disposing <c>default</c> does nothing.</remarks>
[DebuggerDisplay("{Count} permit(s)")]
public readonly struct SemaphorePermit : IDisposable
{
    private readonly AsyncSemaphore? _semaphore;

    internal SemaphorePermit(AsyncSemaphore semaphore, int count)
    {
        _semaphore = semaphore;
        Count = count;
    }

    /// <summary>How many permits this holds.</summary>
    public int Count { get; }

    /// <summary>Returns the permits to the semaphore, waking the waiters they satisfy.</summary>
    public void Dispose()
    {
        if (_semaphore is not null) _semaphore.Release(Count);
    }
}
