namespace AsyncGen.Tour.Sections;

/// <summary>Seed section 7: the CounterFuture — broken (Pending, nobody to wake it), busy, and fixed.</summary>
internal static class LostWakeUp
{
    /// <summary>The seed's CounterFuture verbatim: returns Pending without registering the waker (AG0102).</summary>
    private sealed class CounterFuture(int max) : IFuture<string>
    {
        private int _count;

        public Poll<string> Poll(ref Context cx)
        {
#pragma warning disable AG0102 // the point of this section: a lost wake-up
            if (_count >= max) return Poll<string>.Ready($"Done at {_count}");
            _count++;
            return Poll<string>.Pending;
#pragma warning restore AG0102
        }
    }

    /// <summary>"cx.waker().wake_by_ref() — avoid for busy loops!": completes, but by spinning (AG0103).</summary>
    private sealed class BusyCounterFuture(int max) : IFuture<string>
    {
        private int _count;

        public Poll<string> Poll(ref Context cx)
        {
            if (_count >= max) return Poll<string>.Ready($"Done at {_count}");
            _count++;
#pragma warning disable AG0103 // shown on purpose: a self-wake on every poll is busy polling
            cx.Waker.WakeByRef();
#pragma warning restore AG0103
            return Poll<string>.Pending;
        }
    }

    /// <summary>Fixed: each count waits for a real event (a 10 ms timer), which registers the waker.</summary>
    private sealed class TickingCounterFuture(int max) : IFuture<string>
    {
        private int _count;
        private SleepFuture _tick = Time.Sleep(TimeSpan.FromMilliseconds(10));

        public int Polls { get; private set; }

        public Poll<string> Poll(ref Context cx)
        {
            Polls++;
            while (_count < max)
            {
                if (_tick.Poll(ref cx).IsPending) return Poll<string>.Pending; // the timer holds our waker
                _count++;
                _tick = Time.Sleep(TimeSpan.FromMilliseconds(10));
            }
            return Poll<string>.Ready($"Done at {_count}");
        }

        public void Dispose() => _tick.Dispose();
    }

    public static void Run()
    {
        Heading.Print("7. Custom futures: the CounterFuture");
        try
        {
            Executor.BlockOn(new CounterFuture(max: 3), TimeSpan.FromMilliseconds(300));
        }
        catch (StalledTaskException stalled)
        {
            Console.WriteLine("   broken (Pending without a waker): the executor reports it instead of hanging:");
            Console.WriteLine($"     {stalled.Message}");
        }
        var busy = Executor.BlockOn(new BusyCounterFuture(max: 3));
        Console.WriteLine($"   busy (wakes itself every poll): {busy}, but it spun instead of waiting for anything");
        var ticking = new TickingCounterFuture(max: 3);
        var fixedResult = Executor.BlockOn(ticking);
        Console.WriteLine($"   fixed (waits on a timer each count): {fixedResult} in {ticking.Polls} polls — one per real event");
        Console.WriteLine();
    }
}
