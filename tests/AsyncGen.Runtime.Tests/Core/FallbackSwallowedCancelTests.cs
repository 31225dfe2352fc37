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

    /// <summary>Ready (true) <paramref name="messages"/> times, then waits for ever (an idle channel).</summary>
    private static async Future<bool> Receive(int[] received, int messages)
    {
        if (received[0]++ < messages) return true;
        await new Gate();
        return false;
    }

    /// <summary>Handles a message at once on the first lap, then waits for ever.</summary>
    private static async Future<int> Handle(int lap)
    {
        if (lap > 0) await new Gate();
        return lap;
    }

    /// <summary>
    /// The receive in the loop condition is numbered after the body's awaits (review G1): the catch swallows the
    /// cancellation and the loop jumps forward in numbers to the condition, which it awaited before: cancelled again.
    /// </summary>
    private static async Future<int> WhileWorker(List<string> log)
    {
        var received = new int[1];
        while (await Receive(received, 1))
        {
            try
            {
                await new Gate();
                log.Add("handled");
            }
            catch (Exception e)
            {
                log.Add("caught " + e.GetType().Name);
            }
        }
        return 0;
    }

    private static async Future<int> ForWorker(List<string> log)
    {
        var received = new int[1];
        for (int n = 0; await Receive(received, 1); n++)
        {
            try
            {
                await new Gate();
            }
            catch (Exception e)
            {
                log.Add("caught " + e.GetType().Name);
            }
        }
        return 0;
    }

    /// <summary>One message after a real (callback) suspension, then a MoveNextAsync that never completes.</summary>
    private static async IAsyncEnumerable<int> Messages()
    {
        await Task.Delay(1);
        yield return 1;
        await new TaskCompletionSource().Task;
    }

    private static async Future<int> ForeachWorker(List<string> log)
    {
        await foreach (int message in Messages())
        {
            try
            {
                await new Gate();
            }
            catch (Exception e)
            {
                log.Add("caught " + e.GetType().Name);
            }
        }
        return 0;
    }

    /// <summary>
    /// A loop whose body's finally awaits: on the first lap that finally runs to its end; cancelled on the second lap,
    /// it runs to its end again, though its await was reached before (the machine sees the finally block entered by
    /// the cancellation's unwinding, which tells it from a loop condition).
    /// </summary>
    private static async Future<int> FlushingWorker(List<string> log)
    {
        var received = new int[1];
        int lap = 0;
        while (await Receive(received, 2))
        {
            try
            {
                try
                {
                    await Handle(lap++);
                    log.Add("handled");
                }
                finally
                {
                    log.Add("flush");
                    await Future.Yield();
                    log.Add("flushed");
                }
            }
            catch (Exception e)
            {
                log.Add("caught " + e.GetType().Name);
            }
        }
        return 0;
    }

    /// <summary>Runs <paramref name="blockOn"/> on another thread, failing instead of hanging the test run.</summary>
    private static Exception? RunBounded(Func<int> blockOn)
    {
        var run = Task.Run(blockOn);
        Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "the cancelled loop hangs");
        return run.Exception?.InnerException;
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

    [Fact]
    public void Timeout_of_a_fallback_loop_whose_while_condition_awaits_throws_instead_of_hanging()
    {
        var log = new List<string>();
        long again = FallbackMachines.CancelledAgain;

        var error = RunBounded(() => Executor.BlockOn(Time.Timeout(WhileWorker(log), TimeSpan.FromMilliseconds(1))));

        Assert.IsType<TimeoutException>(error);
        Assert.Equal(["caught FutureCanceledException"], log);
        Assert.Equal(again + 1, FallbackMachines.CancelledAgain); // the receive of the condition
    }

    [Fact]
    public void Timeout_of_a_fallback_loop_whose_for_condition_awaits_throws_instead_of_hanging()
    {
        var log = new List<string>();
        long again = FallbackMachines.CancelledAgain;

        var error = RunBounded(() => Executor.BlockOn(Time.Timeout(ForWorker(log), TimeSpan.FromMilliseconds(1))));

        Assert.IsType<TimeoutException>(error);
        Assert.Equal(["caught FutureCanceledException"], log);
        Assert.Equal(again + 1, FallbackMachines.CancelledAgain);
    }

    [Fact]
    public void Timeout_of_a_fallback_await_foreach_over_an_async_stream_throws_instead_of_hanging()
    {
        var log = new List<string>();
        long abandoned = FallbackMachines.CleanupAbandoned;

        // 1 s: ample for the stream's 1 ms delay, so the cancellation finds the loop's body (the log says so).
        var error = RunBounded(() => Executor.BlockOn(Time.Timeout(ForeachWorker(log), TimeSpan.FromSeconds(1))));

        Assert.IsType<TimeoutException>(error);
        Assert.Equal(["caught FutureCanceledException"], log);
        // MoveNextAsync is a callback awaiter (a ValueTask): jumped back to, it cannot be cancelled and is abandoned.
        Assert.True(FallbackMachines.CleanupAbandoned >= abandoned + 1); // tests outside this collection may abandon too
    }

    [Fact]
    public void A_fallback_loops_finally_runs_to_its_end_on_a_lap_after_the_one_that_reached_it_first()
    {
        var log = new List<string>();
        long again = FallbackMachines.CancelledAgain;
        var running = FlushingWorker(log);
        var cx = new Context(Waker.Noop);
        for (int polls = 0; polls < 10 && !log.Contains("flushed"); polls++) Assert.True(running.Poll(ref cx).IsPending);
        Assert.Equal(["handled", "flush", "flushed"], log); // the first lap, its finally awaited to its end
        Assert.True(running.Poll(ref cx).IsPending); // the second lap waits in Handle

        Assert.Null(RunBounded(() =>
        {
            Executor.BlockOn(running.CancelAsync());
            return 0;
        }));

        // The finally runs to its end again; the receive of the condition, reached before, is cancelled again.
        Assert.Equal(["handled", "flush", "flushed", "flush", "flushed", "caught FutureCanceledException"], log);
        Assert.Equal(again + 1, FallbackMachines.CancelledAgain);
    }

    /// <summary>Two nested finally blocks that await, the inner one twice: all reached on the first lap.</summary>
    private static async Future<int> NestedFlushingWorker(List<string> log)
    {
        var received = new int[1];
        int lap = 0;
        while (await Receive(received, 2))
        {
            try
            {
                try
                {
                    try
                    {
                        await Handle(lap++);
                    }
                    finally
                    {
                        log.Add("flush");
                        await Future.Yield();
                        log.Add("flushed");
                        await Future.Yield();
                        log.Add("synced");
                    }
                }
                finally
                {
                    log.Add("close");
                    await Future.Yield();
                    log.Add("closed");
                }
            }
            catch (Exception e)
            {
                log.Add("caught " + e.GetType().Name);
            }
        }
        return 0;
    }

    [Fact]
    public void Nested_finally_blocks_of_a_fallback_loop_reached_on_an_earlier_lap_run_to_their_end_innermost_first()
    {
        var log = new List<string>();
        long again = FallbackMachines.CancelledAgain;
        var running = NestedFlushingWorker(log);
        var cx = new Context(Waker.Noop);
        for (int polls = 0; polls < 10 && !log.Contains("closed"); polls++) Assert.True(running.Poll(ref cx).IsPending);
        Assert.True(running.Poll(ref cx).IsPending); // the second lap waits in Handle
        log.Clear();

        Assert.Null(RunBounded(() =>
        {
            Executor.BlockOn(running.CancelAsync());
            return 0;
        }));

        Assert.Equal(["flush", "flushed", "synced", "close", "closed", "caught FutureCanceledException"], log);
        Assert.Equal(again + 1, FallbackMachines.CancelledAgain); // the receive of the condition only
    }

    private sealed class Ready : Future<int>
    {
        public override Poll<int> Poll(ref Context cx) => Poll<int>.Ready(0);
    }

    /// <summary>64 awaits before the handler: the loop condition's await is numbered 65 (review F3: past 63).</summary>
    private static async Future<int> WideWorker(List<string> log)
    {
        var received = new int[1];
        while (await Receive(received, 1))
        {
            await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready();
            await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready();
            await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready();
            await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready();
            await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready();
            await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready();
            await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready();
            await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready(); await new Ready();
            try
            {
                await new Gate();
            }
            catch (Exception e)
            {
                log.Add("caught " + e.GetType().Name);
            }
        }
        return 0;
    }

    [Fact]
    public void Timeout_of_a_fallback_loop_whose_condition_await_is_numbered_past_63_throws_instead_of_hanging()
    {
        var log = new List<string>();
        long again = FallbackMachines.CancelledAgain;

        var error = RunBounded(() => Executor.BlockOn(Time.Timeout(WideWorker(log), TimeSpan.FromMilliseconds(1))));

        Assert.IsType<TimeoutException>(error);
        Assert.Equal(["caught FutureCanceledException"], log);
        Assert.Equal(again + 1, FallbackMachines.CancelledAgain); // the receive of the condition
    }

    /// <summary>Goes on after a catch that swallows the cancellation, without jumping back.</summary>
    private static async Future<int> GoesOnAfterCatch(List<string> log)
    {
        try
        {
            await new Gate();
        }
        catch (Exception e)
        {
            log.Add("caught " + e.GetType().Name);
        }
        await Future.Yield(); // an async Task's await observing its cancelled token would throw here
        log.Add("went on");
        return 0;
    }

    [Fact]
    public void An_await_after_a_catch_that_swallows_the_cancellation_is_run_and_counted()
    {
        var log = new List<string>();
        long past = FallbackMachines.AwaitsRunPastCatch;

        var error = RunBounded(() => Executor.BlockOn(Time.Timeout(GoesOnAfterCatch(log), TimeSpan.FromMilliseconds(1))));

        Assert.IsType<TimeoutException>(error);
        Assert.Equal(["caught FutureCanceledException", "went on"], log); // the gap: it runs, the Timeout waits for it
        Assert.Equal(past + 1, FallbackMachines.AwaitsRunPastCatch);
    }

    /// <summary>True at once on the first lap (never suspends), then false after a real wait.</summary>
    private static async ValueTask<bool> Next(int lap)
    {
        if (lap == 0) return true;
        await Task.Yield();
        return false;
    }

    private static async Future<int> SyncConditionWorker(List<string> log)
    {
        int lap = 0;
        while (await Next(lap++))
        {
            try
            {
                await new Gate();
            }
            catch (Exception e)
            {
                log.Add("caught " + e.GetType().Name);
            }
        }
        log.Add("ended");
        return 0;
    }

    [Fact]
    public void A_loop_condition_that_never_suspended_before_the_cancellation_is_run_and_counted()
    {
        var log = new List<string>();
        long past = FallbackMachines.AwaitsRunPastCatch;

        var error = RunBounded(() => Executor.BlockOn(Time.Timeout(SyncConditionWorker(log), TimeSpan.FromMilliseconds(1))));

        Assert.IsType<TimeoutException>(error);
        // The gap: the condition completed at once before the cancellation, so it is not known as one; it is waited for.
        Assert.Equal(["caught FutureCanceledException", "ended"], log);
        Assert.Equal(past + 1, FallbackMachines.AwaitsRunPastCatch);
    }

    [Fact]
    public void A_fallback_loops_finally_first_reached_after_the_cancellation_runs_to_its_end()
    {
        var log = new List<string>();
        long again = FallbackMachines.CancelledAgain;

        var error = RunBounded(() => Executor.BlockOn(Time.Timeout(FirstLapFlushingWorker(log), TimeSpan.FromMilliseconds(1))));

        Assert.IsType<TimeoutException>(error);
        Assert.Equal(["flush", "flushed", "caught FutureCanceledException"], log);
        Assert.Equal(again + 1, FallbackMachines.CancelledAgain); // the receive of the condition only
    }

    private static async Future<int> FirstLapFlushingWorker(List<string> log)
    {
        var received = new int[1];
        while (await Receive(received, 1))
        {
            try
            {
                try
                {
                    await new Gate();
                }
                finally
                {
                    log.Add("flush");
                    await Future.Yield();
                    log.Add("flushed");
                }
            }
            catch (Exception e)
            {
                log.Add("caught " + e.GetType().Name);
            }
        }
        return 0;
    }
}
