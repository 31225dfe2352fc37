using System.Diagnostics;
using AsyncGen.Diagnostics;

namespace AsyncGen.Sync;

/// <summary>The future of <see cref="AsyncSemaphore.Acquire"/>: completes with a <see cref="SemaphorePermit"/>.</summary>
/// <remarks>Allocation-free. Cancel-safe: disposing it while pending returns any permits it was granted (see
/// <see cref="AsyncSemaphore"/>).</remarks>
[DebuggerDisplay("Acquire {_amount} permit(s)")]
public struct AcquireFuture : IFuture<SemaphorePermit>, IAsyncFrameSource
{
    private readonly AsyncSemaphore _owner;
    private readonly int _amount;
    private PermitAcquisition _acquisition;
    private bool _done;

    internal AcquireFuture(AsyncSemaphore owner, PermitAcquisition acquisition, int amount)
    {
        _owner = owner;
        _acquisition = acquisition;
        _amount = amount;
    }

    /// <inheritdoc/>
    public Poll<SemaphorePermit> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The acquire future was polled after it completed.");
        if (_acquisition.Poll(ref cx).IsPending) return Poll<SemaphorePermit>.Pending;
        _done = true; // a public semaphore is never closed, so Ready means the permits are ours
        return Poll<SemaphorePermit>.Ready(_owner.Issue(_amount));
    }

    /// <summary>Stops waiting; permits granted to this future but not yet returned by a poll go back to the semaphore.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _acquisition.Cancel();
    }

    /// <summary>While queued: the permits it waits for.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (!_done && _acquisition.IsWaiting) frames.Add(AsyncFrame.Resource("AsyncSemaphore.Acquire", $"{_amount} permit(s)"));
    }
}
