using AsyncGen.Fallback;
using AsyncGen.Runtime.Tests.Net;

namespace AsyncGen.Runtime.Tests.Core;

/// <summary>
/// A fallback machine (no generator in this project) cancelled in place whose <c>catch</c> swallows the
/// <see cref="FutureCanceledException"/> and awaits again — a receive loop that retries on every exception — does not
/// hold up whoever cancels it (review F3): each await it jumps back to (at or before the one the cancellation was
/// thrown at) is cancelled again, as an <c>async Task</c>'s awaits that observe its cancelled token throw again, counted in
/// <see cref="FallbackMachines.CancelledAgain"/>; a loop that never stops swallowing is abandoned after 64 laps
/// (<see cref="FallbackMachines.CleanupAbandoned"/>). The awaits of its cleanup still run. Serial: the counters are
/// process-wide.
/// </summary>
[Collection(SerialCollection.Name)]
public class FallbackSwallowedCancelTests
{
    private sealed class Gate : Future<int>
    {
        public override Poll<int> Poll(ref Context cx) => Poll<int>.Pending; // a receive that never gets a message
    }

    /// <summary>Receives until it gets a message, retrying after any exception.</summary>
    private static async Future<int> ReceiveLoop(List<string> log)
    {
        while (true)
        {
            try
            {
                return await new Gate();
            }
            catch (Exception)
            {
                log.Add("retry");
            }
        }
    }

    /// <summary>Swallows the first cancellation and retries once; the second one ends it.</summary>
    private static async Future<int> RetryOnce(List<string> log)
    {
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return await new Gate(); // the second lap jumps back here: cancelled again
                }
                catch (Exception) when (attempt == 1)
                {
                    log.Add("retry");
                    await Future.Yield(); // inside the catch block, after the await it protects: it runs
                    log.Add("backed off");
                }
            }
        }
        finally
        {
            log.Add("close");
            await Future.Yield(); // the cleanup of the second cancellation: it runs to its end
            log.Add("closed");
        }
    }

    private static async Future<int> Quick()
    {
        await Future.Yield();
        return 2;
    }

    [Fact]
    public void Timeout_of_a_fallback_receive_loop_that_swallows_the_cancellation_throws_instead_of_hanging()
    {
        var log = new List<string>();
        long again = FallbackMachines.CancelledAgain;
        long abandoned = FallbackMachines.CleanupAbandoned;

        var error = Assert.Throws<TimeoutException>(() => Executor.BlockOn(Time.Timeout(ReceiveLoop(log), TimeSpan.FromMilliseconds(1))));

        Assert.NotNull(error);
        Assert.Equal(65, log.Count); // the first cancellation and the 64 cancelled again, each swallowed once
        Assert.Equal(again + 64, FallbackMachines.CancelledAgain);
        Assert.True(FallbackMachines.CleanupAbandoned >= abandoned + 1); // tests outside this collection may abandon too
    }

    [Fact]
    public void Select_over_a_fallback_receive_loop_returns_the_winner()
    {
        var log = new List<string>();
        long abandoned = FallbackMachines.CleanupAbandoned;

        var winner = Executor.BlockOn(Future.Select(ReceiveLoop(log), Quick()));

        Assert.Equal(2, winner.Second);
        Assert.All(log, line => Assert.Equal("retry", line));
        Assert.True(FallbackMachines.CleanupAbandoned >= abandoned + 1); // tests outside this collection may abandon too
    }

    [Fact]
    public void A_fallback_retry_loop_runs_its_catch_and_finally_awaits_and_cancels_the_await_it_jumps_back_to()
    {
        var log = new List<string>();
        long again = FallbackMachines.CancelledAgain;
        long abandoned = FallbackMachines.CleanupAbandoned;

        var winner = Executor.BlockOn(Future.Select(RetryOnce(log), Quick()));

        Assert.Equal(2, winner.Second);
        Assert.Equal(["retry", "backed off", "close", "closed"], log);
        Assert.Equal(again + 1, FallbackMachines.CancelledAgain);
        Assert.Equal(abandoned, FallbackMachines.CleanupAbandoned);
    }

    [Fact]
    public void CancelAsync_of_a_fallback_receive_loop_completes()
    {
        var log = new List<string>();
        var running = ReceiveLoop(log);
        var cx = new Context(Waker.Noop);
        Assert.True(running.Poll(ref cx).IsPending);

        Executor.BlockOn(running.CancelAsync());

        Assert.Equal(65, log.Count);
    }
}
