namespace AsyncGen.Tour.Sections;

/// <summary>Seed sections 2–3: polling returns Ready or Pending; a Pending future holds on to the waker.</summary>
internal static class PollingByHand
{
    /// <summary>Counts the wakes it receives, so the tour can show who wakes whom.</summary>
    private sealed class PrintingWaker : IWakeTarget
    {
        public void Wake(int slot, int generation) => Console.WriteLine("   ...waker.Wake() called: the executor would now re-poll the task");
    }

    /// <summary>Ready after an event from another thread; registers the waker before returning Pending.</summary>
    private sealed class EventFuture : IFuture<string>
    {
        private readonly object _lock = new();
        private Waker _waker;
        private bool _fired;

        public void Fire()
        {
            Waker waker;
            lock (_lock)
            {
                _fired = true;
                waker = _waker;
            }
            waker.Wake();
        }

        public Poll<string> Poll(ref Context cx)
        {
            lock (_lock)
            {
                if (_fired) return Poll<string>.Ready("the event happened");
                _waker = cx.Waker; // store the waker (the seed's cx.waker().clone()), then report Pending
                return Poll<string>.Pending;
            }
        }
    }

    public static void Run()
    {
        Heading.Print("2-3. Polling and wakers, by hand");
        var future = new EventFuture();
        var cx = new Context(new Waker(new PrintingWaker(), slot: 0, generation: 0));
        Console.WriteLine($"   poll #1 -> {future.Poll(ref cx)}");
        Console.WriteLine("   an event fires on another thread...");
        var thread = new Thread(future.Fire);
        thread.Start();
        thread.Join();
        Console.WriteLine($"   poll #2 -> {future.Poll(ref cx)}");
        Console.WriteLine();
    }
}
