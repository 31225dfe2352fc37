using AsyncGen;

namespace AsyncGen.Runtime.Tests.Support;

/// <summary>The seed's CounterFuture: returns Pending without registering its waker (the lost wake-up bug).</summary>
internal sealed class BrokenCounterFuture(int max) : IFuture<string>
{
    private int _count;

    public Poll<string> Poll(ref Context cx)
    {
        if (_count >= max) return Poll<string>.Ready($"Done at {_count}");
        _count++;
        return Poll<string>.Pending;
    }
}

/// <summary>Completes after being woken <c>times</c> times by itself: wakes only when it has progress to report.</summary>
internal sealed class SelfWakingFuture(int times) : IFuture<int>
{
    public int Polls { get; private set; }

    public Poll<int> Poll(ref Context cx)
    {
        Polls++;
        if (Polls > times) return Poll<int>.Ready(Polls);
        cx.Waker.Wake();
        return Poll<int>.Pending;
    }
}

/// <summary>A wake target that counts wakes, for polling futures by hand.</summary>
internal sealed class CountingWakeTarget : IWakeTarget
{
    private int _wakes;

    public int Wakes => Volatile.Read(ref _wakes);

    public Waker Waker => new(this, 0, 0);

    public void Wake(int slot, int generation) => Interlocked.Increment(ref _wakes);
}
