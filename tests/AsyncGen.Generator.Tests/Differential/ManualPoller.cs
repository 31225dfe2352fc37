namespace AsyncGen.Generator.Tests.Differential;

/// <summary>Polls a future by hand, waiting for its waker between polls, so a test can stop after any poll.</summary>
internal sealed class ManualPoller : IWakeTarget
{
    private readonly ManualResetEventSlim _woken = new(false);

    public void Wake(int slot, int generation) => _woken.Set();

    /// <summary>Polls until ready or until <paramref name="maxPolls"/> polls; returns the polls made and whether it finished.</summary>
    public (int Polls, bool Finished) Drive(IFuture<string> future, int maxPolls)
    {
        var cx = new Context(new Waker(this, 0, 0));
        for (var polls = 1; ; polls++)
        {
            _woken.Reset();
            try
            {
                if (future.Poll(ref cx).IsReady) return (polls, true);
            }
            catch (Exception)
            {
                return (polls, true);
            }
            if (polls == maxPolls) return (polls, false);
            if (!_woken.Wait(StallLimit.Value)) throw new TimeoutException("The future was never woken.");
        }
    }
}
