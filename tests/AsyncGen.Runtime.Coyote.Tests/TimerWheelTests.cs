using AsyncGen.Drivers;
using AsyncGen.Runtime.Coyote.Tests.Harness;

namespace AsyncGen.Runtime.Coyote.Tests;

/// <summary>
/// The timer wheel shared by the workers of an executor: sleepers inserting, re-polling and cancelling timers while
/// a driver thread advances the clock. Every timer that is not cancelled fires and wakes its sleeper exactly once;
/// a cancelled one never wakes it after the cancel; nothing is left in the wheel.
/// </summary>
public class TimerWheelTests
{
    private sealed class Sleeper
    {
        public readonly FlagWaker Waker = new();
        public bool Inserted;
        public bool Completed;
        public bool Cancelled;
        public int WakesAtCancel;
    }

    private static IEnumerable<Func<bool>?> Sleep(Interleavings threads, TimerWheel wheel, long deadline, Sleeper sleeper)
    {
        var timer = wheel.Insert(deadline, sleeper.Waker.Waker);
        sleeper.Inserted = true;
        while (true)
        {
            yield return null;
            if (threads.Choose() && threads.Choose())
            {
                sleeper.Cancelled = true; // disposed (a Timeout or Select elsewhere won)
                sleeper.WakesAtCancel = sleeper.Waker.Wakes;
                wheel.Remove(timer);
                yield break;
            }
            sleeper.Waker.Woken = false;
            if (wheel.PollFired(timer, sleeper.Waker.Waker))
            {
                wheel.Remove(timer);
                sleeper.Completed = true;
                yield break;
            }
            yield return () => sleeper.Waker.Woken;
        }
    }

    /// <summary>
    /// The driver: while a sleeper has a timer in the wheel, advances the clock by 1 ms per step. It gives up after
    /// 64 ms (a whole level-0 turn), long after every deadline here: a sleeper still waiting then was never woken.
    /// </summary>
    private static IEnumerable<Func<bool>?> Clock(TimerWheel wheel, Sleeper[] sleepers)
    {
        bool AllDone() => sleepers.All(s => s.Completed || s.Cancelled);
        for (long now = 1; now <= 64; now++)
        {
            yield return () => AllDone() || sleepers.Any(s => s.Inserted && !s.Completed && !s.Cancelled);
            if (AllDone()) yield break;
            wheel.Advance(now);
        }
    }

    [Fact]
    public void Timers_inserted_cancelled_and_fired_concurrently_wake_exactly_the_sleepers_still_waiting()
    {
        Schedules.AssertNoBug(Interleavings.Explore(Schedules.PerTest, threads =>
        {
            var wheel = new TimerWheel(startMs: 0);
            var sleepers = new[] { new Sleeper(), new Sleeper(), new Sleeper() };
            long[] deadlines = [1, 2, 2]; // equal deadlines share a slot
            for (int i = 0; i < sleepers.Length; i++) threads.Start($"sleeper {i}", Sleep(threads, wheel, deadlines[i], sleepers[i]));
            threads.Start("clock", Clock(wheel, sleepers));
            threads.Run();

            foreach (var sleeper in sleepers)
            {
                threads.Assert(sleeper.Completed != sleeper.Cancelled, "a sleeper neither completed nor cancelled");
                threads.Assert(sleeper.Waker.Wakes <= 1, $"woken {sleeper.Waker.Wakes} times");
                if (sleeper.Cancelled)
                    threads.Assert(sleeper.Waker.Wakes == sleeper.WakesAtCancel, "woken after its timer was removed");
            }
            threads.Assert(wheel.Count == 0, $"{wheel.Count} timer(s) left in the wheel");
        }));
    }
}
