using System.Runtime.CompilerServices;
using AsyncGen.Runtime.Tests.Support;

namespace AsyncGen.Runtime.Tests.Core;

/// <summary>DESIGN §2 for `async Future` methods run by the C# compiler's state machine (no generator).</summary>
public class FallbackBuilderTests
{
    private static int s_started;

    private static async Future<int> DelayAdd(int a, int b)
    {
        s_started++;
        await Time.Sleep(TimeSpan.FromMilliseconds(5));
        return a + b;
    }

    [Fact]
    public void Async_future_method_runs_through_polling()
    {
        Assert.Equal(3, Executor.BlockOn(DelayAdd(1, 2)));
    }

    [Fact]
    public void Nothing_runs_before_the_first_poll()
    {
        s_started = 0;
        var future = DelayAdd(1, 2);
        Assert.Equal(0, s_started);
        Executor.BlockOn(future);
        Assert.Equal(1, s_started);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDeep() => throw new InvalidDataException("boom");

    private static async Future<int> FailsAfterAwait()
    {
        await Time.Sleep(TimeSpan.FromMilliseconds(1));
        ThrowDeep();
        return 0;
    }

    [Fact]
    public void Exception_propagates_with_original_stack_trace_through_BlockOn()
    {
        var error = Assert.Throws<InvalidDataException>(() => Executor.BlockOn(FailsAfterAwait()));
        Assert.Contains(nameof(ThrowDeep), error.StackTrace);
    }

    private static async Future<int> CatchesChildException()
    {
        try
        {
            await FailsAfterAwait();
            return 0;
        }
        catch (InvalidDataException)
        {
            return 42;
        }
    }

    [Fact]
    public void Child_exception_surfaces_at_the_await_inside_try_catch()
    {
        Assert.Equal(42, Executor.BlockOn(CatchesChildException()));
    }

    private static int s_finallyRuns;

    private static async Future Suspends()
    {
        try
        {
            await Time.Sleep(TimeSpan.FromHours(1));
        }
        finally
        {
            s_finallyRuns++;
        }
    }

    [Fact]
    public void Dispose_of_suspended_future_runs_pending_finally_once()
    {
        s_finallyRuns = 0;
        using var executor = new LocalExecutor();
        var future = Suspends();
        var counter = new CountingWakeTarget();
        using (executor.Driver.Enter())
        {
            var cx = new Context(counter.Waker);
            Assert.True(future.Poll(ref cx).IsPending);
            future.Dispose();
            future.Dispose();
        }
        Assert.Equal(1, s_finallyRuns);
    }

    private static async Future SwallowsItsCancellation(List<string> seen)
    {
        try
        {
            await Time.Sleep(TimeSpan.FromHours(1));
        }
        catch (OperationCanceledException error)
        {
            seen.Add(error.Message);
        }
        seen.Add("ran on");
        try
        {
            await Time.Sleep(TimeSpan.FromHours(1));
        }
        finally
        {
            seen.Add("second await cancelled");
        }
    }

    [Fact]
    public void A_swallowed_cancellation_says_to_let_it_propagate_and_the_next_await_is_cancelled_the_same_way()
    {
        var seen = new List<string>();
        using var executor = new LocalExecutor();
        var future = SwallowsItsCancellation(seen);
        using (executor.Driver.Enter())
        {
            var cx = new Context(Waker.Noop);
            Assert.True(future.Poll(ref cx).IsPending);
            future.Dispose();
        }
        Assert.Equal(3, seen.Count);
        Assert.Contains("disposed (cancelled", seen[0], StringComparison.Ordinal);
        Assert.Contains("let it propagate", seen[0], StringComparison.Ordinal);
        Assert.Equal(["ran on", "second await cancelled"], seen[1..]);
    }

    [Fact]
    public void Poll_after_ready_throws()
    {
        var future = DelayAdd(2, 3);
        Assert.Equal(5, Executor.BlockOn(future));
        Assert.Throws<InvalidOperationException>(() =>
        {
            var cx = new Context(Waker.Noop);
            future.Poll(ref cx);
        });
    }

    private static async Future<int> AwaitsTask()
    {
        int value = await Task.Run(async () => { await Task.Delay(10); return 7; });
        return value * 6;
    }

    [Fact]
    public void Awaiting_a_Task_wakes_the_future_from_the_thread_pool()
    {
        Assert.Equal(42, Executor.BlockOn(AwaitsTask()));
    }

    [Fact]
    public void Awaiting_a_future_from_Task_code_says_what_to_do()
    {
        // A Task builder's view: OnCompleted resumes the caller, whose GetResult then throws (AwaitFromTaskCodeTests).
        var awaiter = DelayAdd(1, 1).GetAwaiter();
        using var resumed = new ManualResetEventSlim();
        awaiter.OnCompleted(resumed.Set);
        Assert.True(resumed.Wait(TimeSpan.FromSeconds(30)), "The continuation was never resumed.");
        var error = Assert.Throws<NotSupportedException>(() => awaiter.GetResult());
        Assert.Contains("AsTask", error.Message);
    }
}
