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
    /// <summary>The state of a sleep that completed or was disposed.</summary>
    private static readonly object s_done = new();

    // Three words, because a sleep is embedded in every machine that awaits one (and so in its task cell): one
    // reference says where the sleep stands —
    //   null          not polled yet, on the executor's timer wheel
    //   TimeProvider  not polled yet, on that provider's clock
    //   TimerWheel    armed in that wheel as _timer
    //   ProviderTimer armed on a provider (which it remembers)
    //   s_done        completed or disposed
    private object? _state;
    private TimerHandle _timer;

    internal SleepFuture(long deadlineMs, TimeProvider? clock = null)
    {
        DeadlineMs = deadlineMs;
        _state = clock;
    }

    /// <summary>The deadline in milliseconds on the <see cref="Time.NowMs"/> clock, or on the
    /// <see cref="TimeProvider"/>'s timestamp clock for a sleep on a custom provider.</summary>
    public long DeadlineMs { get; }

    /// <inheritdoc/>
    public Poll<Unit> Poll(ref Context cx)
    {
        switch (_state)
        {
            case TimerWheel wheel:
                if (!wheel.PollFired(_timer, cx.Waker)) return Poll<Unit>.Pending;
                _state = s_done; // the firing freed the timer: nothing to remove
                return Poll<Unit>.Ready(default);
            case null:
                if (Time.NowMs >= DeadlineMs) return Complete();
                var current = Time.CurrentWheel;
                _timer = current.Insert(DeadlineMs, cx.Waker);
                _state = current;
                return Poll<Unit>.Pending;
            case ProviderTimer timer:
                if (timer.HasFired || DeadlineMs - Time.NowMsOn(timer.Clock) <= 0) return Complete();
                timer.Update(cx.Waker);
                return Poll<Unit>.Pending;
            case TimeProvider clock:
                long remaining = DeadlineMs - Time.NowMsOn(clock);
                if (remaining <= 0) return Complete();
                _state = new ProviderTimer(clock, remaining, cx.Waker);
                return Poll<Unit>.Pending;
            default:
                throw new InvalidOperationException("The sleep was polled after it completed.");
        }
    }

    /// <summary>Removes the timer if it is still waiting.</summary>
    public void Dispose()
    {
        var state = _state;
        if (ReferenceEquals(state, s_done)) return;
        _state = s_done;
        if (state is TimerWheel wheel) wheel.Remove(_timer);
        else if (state is ProviderTimer timer) timer.Dispose();
    }

    /// <summary>While the timer is armed: <c>Time.Sleep (timer due in 4800 ms)</c>.</summary>
    public readonly void CollectFrames(List<AsyncFrame> frames)
    {
        if (_state is not TimerWheel) return;
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
