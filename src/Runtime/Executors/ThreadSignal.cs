namespace AsyncGen.Executors;

/// <summary>A waker for a thread blocked outside any executor (BlockOn from a plain thread): wakes set an event.</summary>
internal sealed class ThreadSignal : IWakeTarget, IDisposable
{
    private readonly ManualResetEventSlim _event = new();

    public Waker Waker => new(this, 0, 0);

    public void Wake(int slot, int generation) => _event.Set();

    /// <summary>Waits for a wake; false on timeout. Resets, so each wait needs a new wake.</summary>
    public bool Wait(TimeSpan timeout)
    {
        bool woken = _event.Wait(timeout);
        _event.Reset();
        return woken;
    }

    public void Dispose() => _event.Dispose();
}
