namespace AsyncGen;

/// <summary>
/// The timer of a <see cref="SleepFuture"/> on a custom <see cref="TimeProvider"/> (a FakeTimeProvider in tests, a
/// virtual clock): an <see cref="ITimer"/> of that provider whose callback wakes the latest poll's waker.
/// </summary>
/// <remarks>The executor's timer wheel runs on the system clock only, so sleeps on another clock cannot live in it;
/// this costs one relay and the provider's timer per pending sleep, where the wheel costs nothing. Sleeps on
/// <see cref="TimeProvider.System"/> use the wheel.</remarks>
internal sealed class ProviderTimer : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private Waker _waker; // guarded by _lock: three words, a torn read would wake the wrong task
    private volatile bool _fired;

    public ProviderTimer(TimeProvider clock, long dueMs, in Waker waker)
    {
        Clock = clock;
        _waker = waker;
        _timer = clock.CreateTimer(static state => ((ProviderTimer)state!).Fire(), this,
            TimeSpan.FromMilliseconds(dueMs), System.Threading.Timeout.InfiniteTimeSpan);
    }

    /// <summary>The provider whose clock the sleep's deadline is on.</summary>
    public TimeProvider Clock { get; }

    /// <summary>True once the provider fired the timer.</summary>
    public bool HasFired => _fired;

    /// <summary>Replaces the stored waker with the one of the current poll.</summary>
    public void Update(in Waker waker)
    {
        lock (_lock) _waker = waker;
    }

    public void Dispose() => _timer.Dispose();

    private void Fire()
    {
        _fired = true; // before the wake, so the poll it triggers sees it
        Waker waker;
        lock (_lock) waker = _waker;
        waker.Wake(); // outside the lock: waking may run executor code
    }
}
