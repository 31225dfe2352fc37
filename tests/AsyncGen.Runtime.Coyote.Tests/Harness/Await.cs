namespace AsyncGen.Runtime.Coyote.Tests.Harness;

/// <summary>A thread's way of awaiting a future: poll; on Pending block until its waker is woken, then poll again.</summary>
internal static class Await
{
    /// <summary>
    /// The steps of awaiting <paramref name="future"/>: <paramref name="onReady"/> gets the result. After each Pending,
    /// <paramref name="giveUp"/> (e.g. a controlled choice) may dispose the future instead: <paramref name="onReady"/>
    /// is then not called.
    /// </summary>
    public static IEnumerable<Func<bool>?> Steps<T>(IFuture<T> future, Action<T> onReady, Func<bool>? giveUp = null)
    {
        var waker = new FlagWaker();
        while (true)
        {
            waker.Woken = false;
            var cx = new Context(waker.Waker);
            var poll = future.Poll(ref cx);
            if (poll.IsReady)
            {
                onReady(poll.Value);
                yield break;
            }
            if (giveUp?.Invoke() == true)
            {
                future.Dispose();
                yield break;
            }
            yield return () => waker.Woken;
        }
    }
}

/// <summary>A waker that raises a flag and counts its wakes.</summary>
internal sealed class FlagWaker : IWakeTarget
{
    public bool Woken;

    public int Wakes { get; private set; }

    public Waker Waker => new(this, 0, 0);

    public void Wake(int slot, int generation)
    {
        Woken = true;
        Wakes++;
    }
}
