namespace AsyncGen.Drivers;

/// <summary>An <see cref="IParker"/> without I/O: a monitor wait that <see cref="Unpark"/> pulses.</summary>
internal sealed class ThreadParker : IParker
{
    private readonly object _lock = new();
    private bool _unparked; // guarded by _lock: an unpark that lands before Park must not be lost

    public void Park(int timeoutMs)
    {
        lock (_lock)
        {
            if (!_unparked && timeoutMs != 0) Monitor.Wait(_lock, timeoutMs);
            _unparked = false;
        }
    }

    public void Unpark()
    {
        lock (_lock)
        {
            _unparked = true;
            Monitor.Pulse(_lock);
        }
    }

    public void Dispose() { }
}
