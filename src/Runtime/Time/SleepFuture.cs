using System.Diagnostics;
using AsyncGen.Drivers;

namespace AsyncGen;

/// <summary>The future of <see cref="Time.Sleep"/>: completes at its deadline. Disposing it removes its timer.</summary>
/// <remarks>
/// Registers in the timer wheel of the executor that first polls it; allocation-free. Cancel-safe: disposing a
/// pending sleep loses nothing.
/// </remarks>
[DebuggerDisplay("Sleep until {DeadlineMs} ms")]
public struct SleepFuture : IFuture<Unit>
{
    private TimerWheel? _wheel;
    private TimerHandle _timer;
    private bool _done;

    internal SleepFuture(long deadlineMs) => DeadlineMs = deadlineMs;

    /// <summary>The deadline on the <see cref="Time.NowMs"/> clock.</summary>
    public long DeadlineMs { get; }

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        if (_done) throw new InvalidOperationException("The sleep was polled after it completed.");
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
    }

    private Poll<Unit> Complete()
    {
        Dispose();
        return Poll<Unit>.Ready(default);
    }
}
