using System.Diagnostics;
using AsyncGen.Diagnostics;
using AsyncGen.Drivers;

namespace AsyncGen;

/// <summary>The future of <see cref="Time.Sleep(TimeSpan)"/>: completes at its deadline. Disposing it removes its timer.</summary>
/// <remarks>
/// Registers in the timer wheel of the executor that first polls it; allocation-free. Cancel-safe: disposing a
/// pending sleep loses nothing. A sleep on a custom <see cref="TimeProvider"/> (<c>Time.Sleep(duration, clock)</c>)
/// uses that provider's timer instead (see <see cref="ProviderTimer"/>).
/// </remarks>
[DebuggerDisplay("Sleep until {DeadlineMs} ms")]
public struct SleepFuture : IFuture<Unit>, IAsyncFrameSource
{
    private readonly TimeProvider? _clock; // null: the executor's timer wheel on the Time.NowMs clock
    private TimerWheel? _wheel;
    private ProviderTimer? _providerTimer;
    private TimerHandle _timer;
    private bool _done;

    internal SleepFuture(long deadlineMs, TimeProvider? clock = null)
    {
        DeadlineMs = deadlineMs;
        _clock = clock;
    }

    /// <summary>The deadline in milliseconds on the <see cref="Time.NowMs"/> clock, or on the
    /// <see cref="TimeProvider"/>'s timestamp clock for a sleep on a custom provider.</summary>
    public long DeadlineMs { get; }

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The sleep was polled after it completed.");
        if (_clock is not null) return PollOnProvider(ref cx, _clock);
        if (_wheel is null)
        {
            if (Time.NowMs >= DeadlineMs) return Complete();
            _wheel = Time.CurrentWheel;
            _timer = _wheel.Insert(DeadlineMs, cx.Waker);
            return Poll<Unit>.Pending;
        }
        return _wheel.PollFired(_timer, cx.Waker) ? Complete() : Poll<Unit>.Pending;
    }

    /// <summary>Removes the timer if it is still waiting.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _wheel?.Remove(_timer);
        _wheel = null;
        _providerTimer?.Dispose();
        _providerTimer = null;
    }

    private Poll<Unit> PollOnProvider(ref Context cx, TimeProvider clock)
    {
        long remaining = DeadlineMs - Time.NowMsOn(clock);
        if (remaining <= 0 || _providerTimer?.HasFired == true) return Complete();
        if (_providerTimer is null) _providerTimer = new ProviderTimer(clock, remaining, cx.Waker);
        else _providerTimer.Update(cx.Waker);
        return Poll<Unit>.Pending;
    }

    /// <summary>While the timer is armed: <c>Time.Sleep (timer due in 4800 ms)</c>.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (_wheel is null || _done) return;
        frames.Add(AsyncFrame.Resource("Time.Sleep", DescribeDeadline(DeadlineMs)));
    }

    internal static string DescribeDeadline(long deadlineMs) =>
        deadlineMs == long.MaxValue ? "timer never due (infinite)" : $"timer due in {Math.Max(0, deadlineMs - Time.NowMs)} ms";

    private Poll<Unit> Complete()
    {
        Dispose();
        return Poll<Unit>.Ready(default);
    }
}
